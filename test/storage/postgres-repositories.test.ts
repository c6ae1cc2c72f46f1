import { describe, it } from 'vitest';
import { openNetraStorage } from '../../src/reporting/netra-storage.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { describeRepositorySuite } from './repository-suite.js';

if (TEST_DATABASE_URL) {
  const url = TEST_DATABASE_URL;
  describeRepositorySuite('PostgreSQL (a real server, a fresh schema per test)', async () => {
    const db = await freshSchema(url);
    return {
      open: (sealer) => openNetraStorage({ engine: 'postgres', url, schema: db.schema }, sealer),
      raw: (sql) => db.query(sql),
      dispose: () => db.drop(),
    };
  });
} else {
  // scripts/test.sh prints the one line saying so; here the skip is visible in the test list.
  describe.skip(`PostgreSQL repositories — not run: ${HOW_TO_RUN_POSTGRES}`, () => {
    it('runs the repository suite against PostgreSQL', () => undefined);
  });
}
