import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';
import { KNOWLEDGE_DIR, REPO_ROOT } from './test-app.js';

/** A scratch copy of the repository's knowledge/ and an empty data dir, for tests that change files. */
export interface Scratch {
  root: string;
  knowledgeDir: string;
  dataDir: string;
  config: Config;
  cleanup(): void;
}

export function scratchKnowledge(env: Record<string, string> = {}): Scratch {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-kb-'));
  const knowledgeDir = path.join(root, 'knowledge');
  const dataDir = path.join(root, 'data');
  fs.cpSync(KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
  const config = loadConfig({ NETRA_DATA_DIR: dataDir, NETRA_KNOWLEDGE_DIR: knowledgeDir, ...env }, REPO_ROOT);
  return { root, knowledgeDir, dataDir, config, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
