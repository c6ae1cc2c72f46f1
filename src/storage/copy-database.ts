import { isDeepStrictEqual } from 'node:util';
import type { NetraDatabase } from './database.js';
import { schemaVersion } from './database.js';
import { migratePostgres, type PgQueryable, type PostgresDatabase } from './postgres.js';
import { COPY_TABLES, LATEST_SCHEMA_VERSION } from './schema.js';

/** What `db:copy` did with one table: rows in the source, newly inserted, already present (identical). */
export interface TableCopy {
  table: string;
  source: number;
  inserted: number;
  alreadyThere: number;
}

/** The target already holds a different row under a key the source uses: nothing was copied. */
export class CopyConflictError extends Error {
  constructor(
    readonly table: string,
    readonly conflicts: number,
  ) {
    super(
      `Tabel ${table}: ${conflicts} baris di tujuan berbeda dengan baris sumber berkunci sama. Tidak ada yang disalin (transaksi dibatalkan). ` +
        'Salin ke basis data PostgreSQL yang kosong, atau yang sebelumnya diisi dari sumber yang sama.',
    );
    this.name = 'CopyConflictError';
  }
}

const BATCH = 500;

/**
 * Copies every table of a SQLite database into PostgreSQL in ONE transaction, as stored (sealed
 * values stay sealed, lookup hashes stay valid: workers must use the same NETRA_ID_SECRET and
 * REPORTS_ENCRYPTION_KEY). Idempotent: a row already in the target with identical content is
 * skipped. Then it verifies, still inside the transaction, that every source row is in the target
 * exactly as in the source; any difference rolls everything back ({@link CopyConflictError}).
 * Identity sequences are moved past the copied ids so new rows never collide. Returns per-table counts.
 */
export async function copySqliteToPostgres(source: NetraDatabase, target: PostgresDatabase): Promise<TableCopy[]> {
  const version = schemaVersion(source);
  if (version !== LATEST_SCHEMA_VERSION) throw new Error(`Skema sumber versi ${version}, diharapkan ${LATEST_SCHEMA_VERSION}.`);
  await migratePostgres(target);
  return target.transaction(async (tx) => {
    // One copy at a time into one database.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('netra:db-copy'))");
    const results: TableCopy[] = [];
    for (const { table, key, identity } of COPY_TABLES) {
      const rows = source.prepare(`SELECT * FROM ${table} ORDER BY ${key.join(', ')}`).all() as Record<string, unknown>[];
      let inserted = 0;
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        const r = await tx.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json) ON CONFLICT DO NOTHING`, [
          JSON.stringify(batch),
        ]);
        inserted += r.rowCount ?? 0;
      }
      const conflicts = await countDifferences(tx, table, key, rows);
      if (conflicts > 0) throw new CopyConflictError(table, conflicts);
      if (identity) {
        await tx.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1))`);
      }
      results.push({ table, source: rows.length, inserted, alreadyThere: rows.length - inserted });
    }
    return results;
  });
}

/** Source rows that are missing from the target or differ from the target's row with the same key. */
async function countDifferences(tx: PgQueryable, table: string, key: readonly string[], rows: Record<string, unknown>[]): Promise<number> {
  let differences = 0;
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const on = key.map((k) => `t.${k} = s.${k}`).join(' AND ');
    const found = await tx.query(
      `SELECT t.* FROM json_populate_recordset(NULL::${table}, $1::json) s JOIN ${table} t ON ${on}`,
      [JSON.stringify(batch)],
    );
    const byKey = new Map(found.rows.map((r: Record<string, unknown>) => [key.map((k) => String(r[k])).join('\u0000'), r]));
    for (const row of batch) {
      const there = byKey.get(key.map((k) => String(row[k])).join('\u0000'));
      if (!there || !isDeepStrictEqual(normalise(there), normalise(row))) differences += 1;
    }
  }
  return differences;
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]));
}
