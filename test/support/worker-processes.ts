import { type ChildProcess, spawn } from 'node:child_process';
import { START_SCRIPT } from './netra-process.js';
import { REPO_ROOT } from './test-app.js';

/** One `npm start` process, with what it logged. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** Everything it wrote to stderr (the JSON log) so far. */
  log(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

/** Starts the compiled `npm start` with exactly `env` (plus PATH and HOME). */
export function startWorker(name: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(process.execPath, [START_SCRIPT], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, log: () => stderr, exited };
}
