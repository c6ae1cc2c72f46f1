import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Logger } from '../logging/logger.js';
import { writeAtomically } from './durable-files.js';
import { buildIndex } from './index-build.js';
import { IndexMissingError, type LoadedIndex, loadIndex, loadLastGoodBuild } from './index-load.js';
import { BrokenBuildError, CURRENT_FILE, readCurrentBuild } from './index-manifest.js';

/**
 * The index to start with. A fresh clone has none: it is built from `knowledge/` first, so the
 * first `npm start` answers without a set-up step. A current build that is damaged (a truncated
 * file, a garbled index, a deleted snapshot) or was built by other code (another analysis format
 * or embedder) is rebuilt from `knowledge/` — and if that fails too (say, a knowledge file was
 * broken meanwhile), the newest good build serves and `CURRENT` is pointed back at it. Only when
 * there is nothing to serve at all does this throw: a service manager restarting Netra in a loop
 * would never repair a broken index by itself.
 */
export async function ensureIndex(config: Config, logger?: Logger): Promise<LoadedIndex> {
  const indexRoot = config.indexDir;
  const unusable: string[] = [];
  try {
    return await loadIndex(indexRoot, config);
  } catch (err) {
    if (!(err instanceof IndexMissingError || err instanceof BrokenBuildError)) throw err;
    if (err instanceof BrokenBuildError) {
      unusable.push(err.buildId);
      logger?.warn({ buildId: err.buildId, reason: err.reason }, 'index unusable; rebuilding from knowledge/');
    }
  }
  try {
    await buildIndex({ knowledgeDir: config.knowledgeDir, indexRoot, config, unusable });
    return await loadIndex(indexRoot, config);
  } catch (buildError) {
    const fallback = await loadLastGoodBuild(indexRoot, config, [...unusable, ...[await readCurrentBuild(indexRoot)].filter((b): b is string => !!b)]);
    if (!fallback) throw buildError;
    logger?.error(
      { err: (buildError as Error).message.split('\n')[0], buildId: fallback.manifest.buildId },
      're-index failed; serving the last good index',
    );
    await writeAtomically(
      path.join(indexRoot, CURRENT_FILE),
      JSON.stringify({ buildId: fallback.manifest.buildId, builtAt: fallback.manifest.builtAt }),
      { durable: true },
    ).catch(() => undefined);
    return fallback;
  }
}
