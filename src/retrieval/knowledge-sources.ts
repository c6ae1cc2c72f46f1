import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeAtomically } from './durable-files.js';
import type { SourceFile } from './index-manifest.js';

/**
 * The files of `knowledge/` a build reads, with their sizes and sha256, found without parsing any
 * of them: a re-index compares this list with the current build's to decide that nothing changed.
 * A stat cache (`source-stat.json` beside the builds: size, mtime, ctime, inode, hash) spares even
 * reading a file whose stat has not changed, so a no-op re-index at 100× the corpus costs a
 * directory listing and a few thousand stat calls.
 */

/** Folders of knowledge/ that loadKnowledge reads. */
export const SOURCE_FOLDERS = ['regulations', 'news', 'cases', 'calendar', 'lexicon'] as const;

const STAT_CACHE_FILE = 'source-stat.json';

const StatCacheSchema = z.object({
  entries: z.record(
    z.string(),
    z.object({ size: z.number(), mtimeMs: z.number(), ctimeMs: z.number(), ino: z.number(), sha256: z.string() }),
  ),
});
type StatCache = z.infer<typeof StatCacheSchema>;

async function readStatCache(indexRoot: string): Promise<StatCache> {
  try {
    const parsed = StatCacheSchema.safeParse(JSON.parse(await fs.readFile(path.join(indexRoot, STAT_CACHE_FILE), 'utf8')));
    return parsed.success ? parsed.data : { entries: {} };
  } catch {
    return { entries: {} };
  }
}

/** Every source file under `knowledgeDir`, by path relative to it (POSIX separators), with size and hash. */
export async function scanKnowledgeSources(knowledgeDir: string, indexRoot: string): Promise<Record<string, SourceFile>> {
  const cache = await readStatCache(indexRoot);
  const next: StatCache = { entries: {} };
  const out: Record<string, SourceFile> = {};
  let changed = false;
  for (const folder of SOURCE_FOLDERS) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(path.join(knowledgeDir, folder), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const e of entries) {
      if (!e.isFile() || e.name.startsWith('.')) continue;
      const rel = `${folder}/${e.name}`;
      const file = path.join(knowledgeDir, folder, e.name);
      const stat = await fs.stat(file);
      const known = cache.entries[rel];
      let sha256: string;
      if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.ctimeMs === stat.ctimeMs && known.ino === stat.ino) {
        sha256 = known.sha256;
      } else {
        sha256 = createHash('sha256').update(await fs.readFile(file)).digest('hex');
        changed = true;
      }
      next.entries[rel] = { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino, sha256 };
      out[rel] = { bytes: stat.size, sha256 };
    }
  }
  if (changed || Object.keys(cache.entries).length !== Object.keys(next.entries).length) {
    // Only a cache: an unwritable index directory costs time on the next run, nothing else.
    await fs.mkdir(indexRoot, { recursive: true }).catch(() => undefined);
    await writeAtomically(path.join(indexRoot, STAT_CACHE_FILE), JSON.stringify(next)).catch(() => undefined);
  }
  return out;
}

/** Whether two source lists name the same files with the same contents. */
export function sameSources(a: Record<string, SourceFile>, b: Record<string, SourceFile>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && b[k]!.sha256 === a[k]!.sha256 && b[k]!.bytes === a[k]!.bytes);
}
