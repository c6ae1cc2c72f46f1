#!/usr/bin/env bash
# `npm test`: type-check, lint (Biome), both vitest projects (unit, then ops against the compiled
# dist/), and the eval check of the development and regression sets (floors in eval-floor.json, no invented quote,
# no loosening). Ends with the plain line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
export NO_COLOR=1
passed=0
failed=0

echo "== typecheck (tsc --noEmit)"
if npx tsc --noEmit -p .; then passed=$((passed + 1)); echo "typecheck: ok"; else failed=$((failed + 1)); echo "typecheck: FAILED"; fi

echo "== lint (biome)"
if npx biome lint --error-on-warnings; then passed=$((passed + 1)); echo "lint: ok"; else failed=$((failed + 1)); echo "lint: FAILED"; fi

echo "== vitest (unit and ops projects)"
# The repository suite runs on SQLite always, on PostgreSQL only with a server to test against.
if [ -z "${NETRA_TEST_DATABASE_URL:-}" ]; then
  echo "PostgreSQL suite not run (NETRA_TEST_DATABASE_URL unset); to run it: NETRA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test"
fi
report=.vitest-report.json
rm -f "$report"
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@"
vitest_rc=$?
if [ -f "$report" ]; then
  # Failed tests, plus test files that failed without running a test (an import error, say).
  read -r vp vf vs < <(node -e 'const r=require("./'"$report"'");const broken=(r.testResults||[]).filter((f)=>f.status==="failed"&&!(f.assertionResults||[]).some((a)=>a.status==="failed")).length;console.log(r.numPassedTests|0,(r.numFailedTests|0)+broken,r.numTotalTests|0)')
  passed=$((passed + vp))
  failed=$((failed + vf))
  if [ "$vs" = "0" ]; then echo "vitest ran no test"; failed=$((failed + 1)); fi
  if [ "$vitest_rc" -ne 0 ] && [ "$vf" = "0" ]; then failed=$((failed + 1)); fi
else
  echo "vitest wrote no report"
  failed=$((failed + 1))
fi

echo "== eval (dev, dev-real, holdout-4, holdout-6, holdout-9, holdout-11; --check)"
eval_dir=$(mktemp -d)
if NETRA_DATA_DIR="$eval_dir" npm run --silent eval -- --check; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
rm -rf "$eval_dir"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
