import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config/config.js';
import { buildIndex } from '../../src/retrieval/index-store.js';
import { KNOWLEDGE_DIR, REPO_ROOT } from './test-app.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An index of the repository's knowledge/, built once per run; createTestApp copies it. */
    netraIndexDir: string;
  }
}

/**
 * Vitest global setup: builds the index of knowledge/ once for the whole run, instead of once per
 * test file. Tests still get their own data directory (a copy of this index and a fresh SQLite
 * file), so a test that re-indexes or writes reports cannot disturb another.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-test-index-'));
  const config = loadConfig({ NETRA_DATA_DIR: root, NETRA_KNOWLEDGE_DIR: KNOWLEDGE_DIR, EMBEDDINGS_PROVIDER: 'local' }, REPO_ROOT);
  await buildIndex({ knowledgeDir: config.knowledgeDir, indexRoot: config.indexDir, config });
  project.provide('netraIndexDir', config.indexDir);
  return () => fs.rmSync(root, { recursive: true, force: true });
}
