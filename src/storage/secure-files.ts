import fs from 'node:fs';

/**
 * The data directory holds reports, identities and the id secret: only Netra's own user may read
 * it. Creates it 0700 (and tightens an existing one), and makes the given files 0600.
 * Failing to tighten (a directory owned by someone else) is not fatal: the caller logs it.
 */
export function secureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((fs.statSync(dir).mode & 0o077) !== 0) fs.chmodSync(dir, 0o700);
}

/** Makes each existing file owner-only (0600). */
export function secureFiles(...files: string[]): void {
  for (const f of files) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
