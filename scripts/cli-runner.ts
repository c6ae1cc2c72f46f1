import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../src/config/config.js';

/** Bad command-line arguments: the script prints the message and its usage, and exits with 2. */
export class UsageError extends Error {}

/**
 * Runs `main` when the script is executed directly (not when a test imports it), mapping errors to
 * exit codes: usage errors → 2 with the usage text, configuration and other errors → 1 with one line.
 */
export function runIfInvokedDirectly(moduleUrl: string, main: () => Promise<number>, name: string, usage: string): void {
  const invokedDirectly = process.argv[1] !== undefined && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
  if (!invokedDirectly) return;
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        console.error(err.message ? `${err.message}\n${usage}` : usage);
        process.exit(2);
      }
      console.error(err instanceof ConfigError ? err.message : `${name} gagal: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}
