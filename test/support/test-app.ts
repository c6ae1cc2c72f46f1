import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { createNetra, type NetraApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { type Logger, silentLogger } from '../../src/logging/logger.js';

export const TEST_APP_READY = true;

/** The repository's own knowledge/ folder. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KNOWLEDGE_DIR = path.join(REPO_ROOT, 'knowledge');

export interface TestApp {
  app: NetraApp;
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Copies the run's shared index (built once by test/support/global-index.ts) into a fresh data
 * directory, so the app starts without re-indexing. Only for the repository's own knowledge/ and
 * local embeddings, and only when the directory has no index yet.
 */
function seedIndex(indexDir: string, knowledgeDir: string, embeddings: string): void {
  let shared: string | undefined;
  try {
    shared = inject('netraIndexDir');
  } catch {
    shared = undefined; // not inside a vitest project with the global setup
  }
  if (!shared || knowledgeDir !== KNOWLEDGE_DIR || embeddings !== 'local' || fs.existsSync(indexDir)) return;
  fs.cpSync(shared, indexDir, { recursive: true });
}

/**
 * A real Netra for tests: the repository's knowledge indexed into a fresh temporary data
 * directory, the offline answer pipeline, and reporting on a real SQLite file there.
 */
export async function createTestApp(env: Record<string, string> = {}, options: { logger?: Logger } = {}): Promise<TestApp> {
  const ownDir = env.NETRA_DATA_DIR === undefined;
  const dataDir = env.NETRA_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'netra-test-'));
  const config = loadConfig({ NETRA_DATA_DIR: dataDir, NETRA_KNOWLEDGE_DIR: KNOWLEDGE_DIR, NETRA_TODAY: '2024-01-10', ...env }, REPO_ROOT);
  seedIndex(config.indexDir, config.knowledgeDir, config.embeddings.provider);
  const app = await createNetra(config, options.logger ?? silentLogger());
  return {
    app,
    conversation: app.conversation,
    notifiers: app.notifiers,
    dataDir,
    close: async () => {
      await app.close();
      if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
