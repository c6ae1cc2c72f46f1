import fs from 'node:fs';
import path from 'node:path';
import { StorageUnavailableError, toStorageError } from '../storage/storage-errors.js';
import { MIN_FREE_BYTES } from '../storage/storage-health.js';
import { assertStoredEvidenceName, type EvidenceBlobEntry, type EvidenceBlobs, EvidenceMissingError, isStoredEvidenceName } from './evidence-blobs.js';

/** A file being written: renamed to its stored name only when complete, so a crash or ENOSPC leaves no half file under a real name. */
const PARTIAL_NAME = /^\.[0-9a-f-]{36}\.partial$/;

/**
 * Evidence as files in one directory (`NETRA_DATA_DIR/evidence` or `EVIDENCE_DIR`, which several
 * workers may mount): the directory is 0700, each file 0600 (evidence can identify people), written
 * to a `.partial` file and renamed, so a reader never sees half a file. A full disk (ENOSPC) or a
 * read-only mount becomes StorageUnavailableError.
 */
export class DirectoryEvidenceBlobs implements EvidenceBlobs {
  readonly kind = 'dir' as const;

  constructor(readonly dir: string) {}

  async put(name: string, bytes: Buffer): Promise<void> {
    assertStoredEvidenceName(name);
    // The uuid part of the name: unique, so two workers never write the same partial file.
    const partial = path.join(this.dir, `.${name.slice(0, 36)}.partial`);
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // 'wx': never overwrite; 0600: evidence can identify people.
      await fs.promises.writeFile(partial, bytes, { flag: 'wx', mode: 0o600 });
      await fs.promises.rename(partial, path.join(this.dir, name));
    } catch (err) {
      fs.rmSync(partial, { force: true });
      throw toStorageError(err) ?? err;
    }
  }

  async get(name: string): Promise<Buffer> {
    try {
      return await fs.promises.readFile(this.pathOf(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceMissingError(name);
      throw toStorageError(err) ?? err;
    }
  }

  async remove(name: string): Promise<void> {
    // Leftover partial files are removed through the orphan sweep, under their own names.
    if (!isStoredEvidenceName(name) && !PARTIAL_NAME.test(name)) return;
    try {
      await fs.promises.rm(path.join(this.dir, name), { force: true });
    } catch (err) {
      throw toStorageError(err) ?? err;
    }
  }

  async list(): Promise<EvidenceBlobEntry[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw toStorageError(err) ?? err;
    }
    const entries: EvidenceBlobEntry[] = [];
    for (const name of names) {
      const incomplete = PARTIAL_NAME.test(name);
      if (!incomplete && !isStoredEvidenceName(name)) continue; // not a name this store makes
      let mtime: Date;
      try {
        mtime = (await fs.promises.stat(path.join(this.dir, name))).mtime;
      } catch {
        continue; // renamed or removed meanwhile (another worker)
      }
      entries.push({ name, lastModified: mtime, ...(incomplete ? { incomplete: true as const } : {}) });
    }
    return entries;
  }

  async probe(): Promise<void> {
    // Without writing a file: readers of the directory (another worker's sweep, an operator) would see it.
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      await fs.promises.access(this.dir, fs.constants.W_OK);
    } catch (err) {
      throw toStorageError(err) ?? err;
    }
    const stats = await fs.promises.statfs(this.dir).catch(() => undefined);
    if (stats && Number(stats.bavail) * Number(stats.bsize) < MIN_FREE_BYTES) throw new StorageUnavailableError('disk_full', 'ENOSPC');
  }

  /** The absolute path of a stored file (operators, tests); throws for a name this store did not generate. */
  pathOf(name: string): string {
    assertStoredEvidenceName(name);
    return path.join(this.dir, name);
  }
}
