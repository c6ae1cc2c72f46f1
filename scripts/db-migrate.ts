import { loadConfig } from '../src/config/config.js';
import { openDatabase, schemaVersion } from '../src/storage/database.js';
import { describeDatabaseUrl, migratePostgres, PostgresDatabase } from '../src/storage/postgres.js';
import { LATEST_SCHEMA_VERSION } from '../src/storage/schema.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

const USAGE = [
  'Pemakaian: npm run db:migrate',
  'Dengan DATABASE_URL=postgres://… skema PostgreSQL disiapkan; tanpa DATABASE_URL berkas SQLite di NETRA_DATA_DIR.',
].join('\n');

/**
 * `npm run db:migrate`: brings the configured database (PostgreSQL with DATABASE_URL, otherwise
 * the SQLite file) to the schema this build knows, from the one definition in src/storage/schema.ts.
 * Safe to run while workers start (an advisory lock applies each step once) and when up to date.
 * Prints the versions, never the connection string's user or password.
 */
async function main(): Promise<number> {
  if (process.argv.slice(2).some((a) => a !== '--')) throw new UsageError('Skrip ini tidak menerima argumen.');
  const config = loadConfig();
  if (config.databaseUrl) {
    const db = new PostgresDatabase({ connectionString: config.databaseUrl, max: 1 });
    try {
      const { from, to } = await migratePostgres(db);
      console.log(`PostgreSQL ${describeDatabaseUrl(config.databaseUrl)}: skema versi ${from} → ${to}${from === to ? ' (sudah mutakhir)' : ''}.`);
    } finally {
      await db.close();
    }
    return 0;
  }
  const db = openDatabase(config.databasePath);
  try {
    console.log(`SQLite ${config.databasePath}: skema versi ${schemaVersion(db)} (terbaru ${LATEST_SCHEMA_VERSION}).`);
  } finally {
    db.close();
  }
  return 0;
}

runIfInvokedDirectly(import.meta.url, main, 'db:migrate', USAGE);
