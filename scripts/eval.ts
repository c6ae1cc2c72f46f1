import path from 'node:path';
import { AnswerPipeline } from '../src/answer/pipeline.js';
import { loadConfig } from '../src/config/config.js';
import type { RetrievalMode } from '../src/retrieval/hybrid-retriever.js';
import { ensureIndex } from '../src/retrieval/ensure-index.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';
import {
  checkFloor,
  knowledgeCorpus,
  questionLine,
  readEvalFloor,
  readEvalSet,
  type ScoredAnswer,
  scoreSet,
  type SetScore,
} from './eval-score.js';

const USAGE =
  'Pemakaian: npm run eval [-- --file F ...] [--retrieval hybrid|lexical|vector] [--check] [--verbose] [--json]';

/** The sets scored by default, and gated by `--check` (their floors are in eval-floor.json). */
export const DEFAULT_SETS = ['eval/dev.jsonl', 'eval/dev-real.jsonl', 'eval/holdout-4.jsonl', 'eval/holdout-6.jsonl', 'eval/holdout-9.jsonl', 'eval/holdout-11.jsonl'] as const;

/** dev-real.jsonl's questions about "today" assume this date (see eval/README.md); NETRA_TODAY overrides. */
export const EVAL_TODAY = '2026-12-01';

const RETRIEVAL_MODES: readonly RetrievalMode[] = ['hybrid', 'lexical', 'vector'];

/**
 * `npm run eval`: answers each question of the development sets offline (the way
 * `npm run ask -- --json --stdin` would) and scores them as eval/score.mjs does: strict and lenient
 * verdict accuracy, citations, invented quotes, loosening, over-abstention, over- and missed
 * escalation, per category. `--check` exits 1 when a set falls below its floor in eval-floor.json,
 * shows an invented quote or loosens a prohibition.
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = valuesOf(args, '--file');
  const mode = (valuesOf(args, '--retrieval').at(-1) ?? 'hybrid') as RetrievalMode;
  if (!RETRIEVAL_MODES.includes(mode)) throw new UsageError(`--retrieval harus salah satu dari ${RETRIEVAL_MODES.join(', ')}.`);
  const check = args.includes('--check');
  const verbose = args.includes('--verbose');
  const sets = files.length > 0 ? files : [...DEFAULT_SETS];

  const env = { ...process.env, NETRA_TODAY: process.env.NETRA_TODAY || EVAL_TODAY, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' };
  const config = loadConfig(env);
  const index = await ensureIndex(config);
  const pipeline = new AnswerPipeline({ index: () => index, retrieval: mode, today: config.today });
  const corpus = knowledgeCorpus(config.knowledgeDir);
  const floor = check ? readEvalFloor('eval-floor.json') : undefined;

  const results: Record<string, SetScore> = {};
  let failed = false;
  for (const file of sets) {
    const key = path.relative(process.cwd(), path.resolve(file));
    const items = readEvalSet(file);
    const answers: ScoredAnswer[] = [];
    for (const item of items) answers.push((await pipeline.ask(questionLine(item))).answer);
    const score = scoreSet(items, answers, corpus);
    results[key] = score;
    print(key, score, mode, config.today ?? '', verbose);
    if (floor) {
      const problems = checkFloor(score, floor, key);
      if (!floor.sets[key]) console.log(`  (tidak ada batas untuk ${key} di eval-floor.json: hanya kutipan karangan dan pelonggaran yang diperiksa)`);
      if (problems.length > 0) {
        failed = true;
        for (const p of problems) console.error(`GAGAL ${key}: ${p}.`);
      } else {
        console.log('  check: lulus');
      }
    }
  }
  if (args.includes('--json')) {
    const brief = Object.fromEntries(Object.entries(results).map(([k, s]) => [k, { ...s, misses: undefined }]));
    console.log(JSON.stringify({ retrieval: mode, today: config.today, sets: brief }));
  }
  return failed ? 1 : 0;
}

function valuesOf(args: string[], name: string): string[] {
  const out: string[] = [];
  args.forEach((a, i) => {
    if (a !== name) return;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} membutuhkan nilai.`);
    out.push(v);
  });
  return out;
}

function print(file: string, s: SetScore, mode: string, today: string, verbose: boolean): void {
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
  console.log(`Eval ${file} — ${s.n} pertanyaan, retrieval=${mode}, hari ini=${today}`);
  console.log(`  strict (= best)      ${pct(s.strict)} (${s.strictOk}/${s.n})`);
  console.log(`  lenient (diterima)   ${pct(s.lenient)} (${s.lenientOk}/${s.n})`);
  console.log(`  citations            ${pct(s.cite)} (${s.citeOk}/${s.citeN})`);
  console.log(`  escalate             ${s.escalateN ? pct(s.escalateOk / s.escalateN) : '   n/a'} (${s.escalateOk}/${s.escalateN})`);
  console.log(`  invented quotes      ${s.invented} (dari ${s.citationsShown} kutipan)`);
  console.log(
    `  loosening ${s.loosening} · over-abstention ${s.overAbstention} · over-escalation ${s.overEscalation} · missed escalation ${s.missedEscalation}`,
  );
  console.log('  per category (lenient · strict · citations):');
  for (const [cat, c] of Object.entries(s.perCategory).sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`    ${cat.padEnd(16)} ${`${c.lenient}/${c.n}`.padEnd(6)} ${`${c.strict}/${c.n}`.padEnd(6)} ${c.citeN ? `${c.cite}/${c.citeN}` : '-'}`);
  }
  // Invented quotes are always listed: they fail the check and must be found quickly.
  const shown = verbose ? s.misses : s.misses.filter((m) => m.includes('KUTIPAN KARANGAN'));
  if (shown.length > 0) console.log(`  misses:\n    ${shown.join('\n    ')}`);
}

runIfInvokedDirectly(import.meta.url, main, 'eval', USAGE);
