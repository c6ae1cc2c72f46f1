import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openNetraStorage } from '../../src/reporting/netra-storage.js';
import { openDatabase } from '../../src/storage/database.js';
import { describeRepositorySuite } from './repository-suite.js';

describeRepositorySuite('SQLite (a real file)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-repo-'));
  const file = path.join(dir, 'netra.sqlite');
  return {
    open: (sealer) => openNetraStorage({ engine: 'sqlite', path: file }, sealer),
    async raw(sql) {
      const db = openDatabase(file);
      try {
        return db.prepare(sql).all() as Record<string, unknown>[];
      } finally {
        db.close();
      }
    },
    async dispose() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});
