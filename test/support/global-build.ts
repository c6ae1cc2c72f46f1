import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './test-app.js';

/**
 * Vitest global setup of the ops project: compiles dist/ (only when stale), because the CLI and
 * script tests run the compiled code that `npm start` and production run, not tsx.
 */
export default function setup(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'ensure-build.mjs')], { cwd: REPO_ROOT, stdio: 'inherit' });
}
