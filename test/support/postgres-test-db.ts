import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freshDatabase as freshScratchDatabase } from '../../scripts/bench-workers.js';

/** The PostgreSQL server the PostgreSQL tests use; unset = those tests are skipped. */
export const TEST_DATABASE_URL = process.env.NETRA_TEST_DATABASE_URL?.trim() || undefined;

/** How to run the PostgreSQL tests (printed once by scripts/test.sh when they are skipped). */
export const HOW_TO_RUN_POSTGRES = 'NETRA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test';

/**
 * A fresh schema on the test server, for one test: created empty, dropped (with everything in
 * it) by `drop`. Netra's pool is pointed at it with `search_path`, so tests never share tables.
 */
export async function freshSchema(url: string): Promise<{ schema: string; query: (sql: string) => Promise<Record<string, unknown>[]>; drop: () => Promise<void> }> {
  const schema = `netra_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    schema,
    async query(sql) {
      const c = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
      await c.connect();
      try {
        // COUNT(*) is bigint (a string in node-postgres): give numbers back, as SQLite does.
        const r = await c.query(sql);
        return r.rows.map((row: Record<string, unknown>) =>
          Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) && r.fields.find((f) => f.name === k)?.dataTypeID === 20 ? Number(v) : v])),
        );
      } finally {
        await c.end();
      }
    },
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * A fresh database on the test server, for tests whose subjects are separate processes that get
 * only a DATABASE_URL (compiled workers): `url` points at it; `drop` removes it, ending any
 * connection a killed worker left behind. (The bench's helper, with the test prefix.)
 */
export const freshDatabase = (url: string) => freshScratchDatabase(url, 'netra_test');
