import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeAtomically } from './durable-files.js';
import { BrokenBuildError, buildDir, type FileChecksum, type IndexManifest } from './index-manifest.js';

/**
 * Checks that a build's files are the ones its manifest lists — present, of the recorded size and
 * sha256 — before the build is used or a re-index decides there is nothing to do. A truncated
 * chunks file, a garbled lexical index or a deleted knowledge snapshot is found here, with the
 * file named, instead of crashing the start (or hnswlib reading a damaged file).
 *
 * Hashing every file on every start would cost a second at 100× the corpus, so each build keeps a
 * stamp (`verified.json`): the size, mtime, ctime and inode each file had when its hash was last
 * checked. A file whose stat still matches is not read again; any write to it changes the stat.
 */

const STAMP_FILE = 'verified.json';

const StampSchema = z.object({
  files: z.record(
    z.string(),
    z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), ino: z.number(), sha256: z.string() }),
  ),
});
type Stamp = z.infer<typeof StampSchema>;
type StampEntry = Stamp['files'][string];

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function readStamp(dir: string): Promise<Stamp> {
  try {
    const parsed = StampSchema.safeParse(JSON.parse(await fs.readFile(path.join(dir, STAMP_FILE), 'utf8')));
    return parsed.success ? parsed.data : { files: {} };
  } catch {
    return { files: {} };
  }
}

function entryFor(stat: { size: number; mtimeMs: number; ctimeMs: number; ino: number }, sha256: string): StampEntry {
  return { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, sha256 };
}

/**
 * Throws {@link BrokenBuildError} naming the first file that is missing, of the wrong size or the
 * wrong content. `manifest.files` lists everything but the manifest (validated by its schema).
 */
export async function verifyBuildFiles(indexRoot: string, manifest: IndexManifest): Promise<void> {
  const dir = buildDir(indexRoot, manifest.buildId);
  const stamp = await readStamp(dir);
  const next: Stamp = { files: {} };
  let rehashed = false;
  for (const [name, expected] of Object.entries(manifest.files)) {
    // Names come from a validated manifest, but a name must still stay inside the build directory.
    if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new BrokenBuildError(manifest.buildId, `nama file tidak sah: ${name}`);
    const file = path.join(dir, name);
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(file);
    } catch {
      throw new BrokenBuildError(manifest.buildId, `${name} hilang`);
    }
    if (stat.size !== expected.bytes) throw new BrokenBuildError(manifest.buildId, `${name} berukuran ${stat.size} byte, seharusnya ${expected.bytes} (terpotong?)`);
    const known = stamp.files[name];
    const unchanged =
      known &&
      known.sha256 === expected.sha256 &&
      known.size === stat.size &&
      known.mtimeMs === stat.mtimeMs &&
      known.ctimeMs === stat.ctimeMs &&
      known.ino === stat.ino;
    if (unchanged) {
      next.files[name] = known;
      continue;
    }
    const actual = await sha256File(file);
    if (actual !== expected.sha256) throw new BrokenBuildError(manifest.buildId, `isi ${name} tidak sesuai checksum (rusak)`);
    next.files[name] = entryFor(stat, actual);
    rehashed = true;
  }
  // The stamp only saves time; a read-only disk must not make a good build unusable.
  if (rehashed) await writeAtomically(path.join(dir, STAMP_FILE), JSON.stringify(next)).catch(() => undefined);
}

/** Records, right after writing a build, that its files have the checksums just computed. */
export async function stampBuildFiles(dir: string, files: Record<string, FileChecksum>): Promise<void> {
  const stamp: Stamp = { files: {} };
  for (const [name, checksum] of Object.entries(files)) stamp.files[name] = entryFor(await fs.stat(path.join(dir, name)), checksum.sha256);
  await writeAtomically(path.join(dir, STAMP_FILE), JSON.stringify(stamp));
}
