import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes that survive a power cut: data is flushed to disk (fsync) before anything points to it.
 * Without this, a crash right after `CURRENT` was switched can leave it naming a build whose files
 * are still empty in the page cache — the next start would find a truncated index.
 */

/** Writes `content` to `file` and flushes it to disk before returning. */
export async function writeFileDurably(file: string, content: string | Uint8Array): Promise<void> {
  await fs.writeFile(file, content);
  await syncFile(file);
}

/** Flushes a file written by someone else (e.g. hnswlib's own writer) to disk. */
export async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory's entries (new names, renames) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Some file systems refuse fsync on a directory (EINVAL, EISDIR on a few platforms); the rename is still atomic.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Write-then-rename, so readers see the old file or the new one, never half of one; with
 * `durable`, the new content and the rename are flushed to disk as well.
 */
export async function writeAtomically(file: string, content: string | Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  try {
    if (options.durable) await writeFileDurably(tmp, content);
    else await fs.writeFile(tmp, content);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  if (options.durable) await syncDirectory(path.dirname(file));
}
