import type { Config } from '../config/config.js';
import { buildIndex, loadIndex, type LoadedIndex, readCurrentBuild } from './index-store.js';

/**
 * Loads the current index, building it first when none exists, so a fresh clone answers
 * on its first `npm start` without a separate set-up step.
 */
export async function ensureIndex(config: Config): Promise<LoadedIndex> {
  if (!(await readCurrentBuild(config.indexDir))) {
    await buildIndex({ knowledgeDir: config.knowledgeDir, indexRoot: config.indexDir, config });
  }
  return loadIndex(config.indexDir, config);
}
