import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { REPO_ROOT } from './test-app.js';

/** The compiled entry point `npm start` runs (dist/, built by the ops project's global setup). */
export const START_SCRIPT = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'start.js');

/** A port nothing listens on (taken and released at once). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A compiled `npm start` running as a child process, with its stderr collected. */
export interface NetraProcess {
  child: ChildProcessWithoutNullStreams;
  /** Everything written to stderr so far (the log). */
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the compiled `npm start` with `env` and only PATH, HOME and `NETRA_DATA_DIR` besides,
 * so no token or key from the developer's environment leaks in.
 */
export function startNetraProcess(dataDir: string, env: Record<string, string>): NetraProcess {
  const child = spawn(process.execPath, [START_SCRIPT], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: dataDir, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
