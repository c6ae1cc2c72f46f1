import pg from 'pg';
import { LATEST_SCHEMA_VERSION, newerSchemaMessage, renderStep, SCHEMA_STEPS, type SchemaStep } from './schema.js';
import { toStorageError } from './storage-errors.js';

/** What a PostgreSQL store runs its statements on: the pool, or the client of an open transaction. */
export interface PgQueryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PostgresOptions {
  /** `postgres://user@host:5432/db` (DATABASE_URL). */
  connectionString: string;
  /** Use this schema (search_path) instead of the user's default, e.g. a test's own schema. */
  schema?: string;
  /** Connections in the pool (default 10). */
  max?: number;
}

/**
 * Netra's PostgreSQL connection pool: statements, transactions and the schema (the same
 * versioned steps as SQLite, see schema.ts). Storage failures come out as
 * StorageUnavailableError; the connection string (it may hold a password) is never logged.
 */
export class PostgresDatabase implements PgQueryable {
  readonly pool: pg.Pool;
  readonly schema?: string;
  /** The most connections this pool opens (DATABASE_POOL_SIZE): everything a worker holds. */
  readonly poolSize: number;

  constructor(options: PostgresOptions) {
    if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
      throw new Error(`Nama skema PostgreSQL tidak valid: ${options.schema}`);
    }
    this.schema = options.schema;
    this.poolSize = options.max ?? 10;
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: this.poolSize,
      application_name: 'netra',
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw toStorageError(err) ?? err;
    }
  }

  /**
   * Runs `fn` in one transaction (READ COMMITTED) on one client: committed when it resolves,
   * rolled back when it throws. Serialisation failures and deadlocks are retried a few times.
   */
  async transaction<T>(fn: (tx: PgQueryable) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (err) {
        throw toStorageError(err) ?? err;
      }
      const ignore = () => undefined;
      client.on('error', ignore);
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: unknown }).code;
        if ((code === '40001' || code === '40P01') && attempt < 5) continue;
        throw toStorageError(err) ?? err;
      } finally {
        client.off('error', ignore);
        client.release();
      }
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Key of the advisory lock that keeps two workers from migrating at the same moment. */
const MIGRATION_LOCK = 'netra:schema-migrations';

/**
 * Applies every schema step newer than the database's version, each in its own transaction,
 * under an advisory lock (several workers starting at once apply each step exactly once).
 * Throws when the database holds a newer schema than this code knows. Returns the versions.
 */
export async function migratePostgres(db: PostgresDatabase, steps: readonly SchemaStep[] = SCHEMA_STEPS): Promise<{ from: number; to: number }> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`).catch(async (err: unknown) => {
    // Two workers creating the table at once: one wins, the other sees a duplicate; both go on.
    if ((err as { cause?: { code?: string } }).cause?.code !== '23505' && (err as { code?: string }).code !== '23505') throw err;
  });
  const from = await postgresSchemaVersion(db);
  const known = Math.max(0, ...steps.map((s) => s.version));
  if (from > known) throw new Error(newerSchemaMessage(from, known));
  for (const step of [...steps].sort((a, b) => a.version - b.version)) {
    if (step.version <= from) continue;
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATION_LOCK]);
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [step.version]);
      if (again.rowCount) return;
      await tx.query(renderStep(step, 'postgres'));
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        step.version,
        step.name,
        new Date().toISOString(),
      ]);
    });
  }
  return { from, to: Math.max(from, known) };
}

/** The schema version the PostgreSQL database is at (0 before the first migration). */
export async function postgresSchemaVersion(db: PgQueryable): Promise<number> {
  const r = await db.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
  return r.rows[0]?.v ?? 0;
}

/** Opens a pool on `options` and brings the schema up to date ({@link LATEST_SCHEMA_VERSION}). */
export async function openPostgres(options: PostgresOptions): Promise<PostgresDatabase> {
  const db = new PostgresDatabase(options);
  try {
    await migratePostgres(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

export { LATEST_SCHEMA_VERSION };

/** `postgres://host:port/db` without user or password, for messages an operator reads. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(alamat tidak terbaca)';
  }
}
