import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetra, type NetraApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { silentLogger, type Logger } from '../../src/logging/logger.js';

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
 * A real Netra for tests: the repository's knowledge indexed into a fresh temporary data
 * directory, the offline answer pipeline, and reporting on a real SQLite file there.
 */
export async function createTestApp(env: Record<string, string> = {}, logger: Logger = silentLogger()): Promise<TestApp> {
  const ownDir = env.NETRA_DATA_DIR === undefined;
  const dataDir = env.NETRA_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'netra-test-'));
  const config = loadConfig({ NETRA_DATA_DIR: dataDir, NETRA_KNOWLEDGE_DIR: KNOWLEDGE_DIR, NETRA_TODAY: '2024-01-10', ...env }, REPO_ROOT);
  const app = await createNetra(config, logger);
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
