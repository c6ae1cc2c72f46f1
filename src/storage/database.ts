import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { renderStep, SCHEMA_STEPS, newerSchemaMessage } from './schema.js';
import { secureDir, secureFiles } from './secure-files.js';
import { toStorageError } from './storage-errors.js';

/**
 * Netra's SQLite handle. It is the plain better-sqlite3 connection so callers can prepare their
 * own statements; the schema belongs to this module (see {@link MIGRATIONS}).
 */
export type NetraDatabase = Database.Database;

/** One schema step. Versions only ever grow; an applied migration is never edited, a new one is added. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export { REPORT_STATUS_VALUES } from './schema.js';

/** The SQLite rendering of the one schema definition in schema.ts (shared with PostgreSQL). */
export const MIGRATIONS: readonly Migration[] = SCHEMA_STEPS.map((step) => ({
  version: step.version,
  name: step.name,
  sql: renderStep(step, 'sqlite'),
}));

/**
 * The connection's own busy wait once the schema is up to date. Short on purpose: better-sqlite3
 * waits synchronously, freezing every channel; longer waits for a lock held by another process
 * are asynchronous retries in {@link StorageWriter}.
 */
export const RUNTIME_BUSY_TIMEOUT_MS = 50;

/**
 * Opens (creating when needed) Netra's database at `filePath` and brings the schema up to date.
 * `':memory:'` gives a throwaway database. Throws when the file holds a schema newer than this code,
 * so an old build never writes into a database it does not understand.
 */
export function openDatabase(filePath: string): NetraDatabase {
  try {
    return open(filePath);
  } catch (err) {
    // A read-only or full data directory at start: one typed error with an actionable message.
    throw toStorageError(err) ?? err;
  }
}

function open(filePath: string): NetraDatabase {
  const inMemory = filePath === ':memory:';
  if (!inMemory) {
    const file = path.resolve(filePath);
    secureDir(path.dirname(file));
    // Created 0600 before SQLite opens it: SQLite gives the -wal and -shm files the same mode.
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    secureFiles(file, `${file}-wal`, `${file}-shm`);
  }
  const db = new Database(filePath);
  try {
    if (!inMemory) db.pragma('journal_mode = WAL');
    // Opening and migrating may wait for another process (the bot, `reports:export`) for a while.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Deleted drafts may hold a reporter's identity; overwrite freed pages instead of leaving them readable.
    db.pragma('secure_delete = ON');
    db.pragma('synchronous = NORMAL');
    migrate(db, MIGRATIONS);
    db.pragma(`busy_timeout = ${RUNTIME_BUSY_TIMEOUT_MS}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Copies the write-ahead log into the database and truncates it, so old page images (a deleted
 * draft, a chat id written before encryption) do not linger in the -wal file. Returns false when
 * another connection kept it from completing (it is retried at the next sweep).
 */
export function checkpoint(db: NetraDatabase): boolean {
  if (db.memory) return true;
  const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return row?.busy === 0;
}

/** Applies every migration newer than the database's version, each in its own transaction. */
export function migrate(db: NetraDatabase, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const known = Math.max(0, ...migrations.map((m) => m.version));
  if (current > known) {
    throw new Error(newerSchemaMessage(current, known));
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    // IMMEDIATE: a second process starting at the same moment waits here rather than applying twice.
    db.transaction(() => {
      const again = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').get(m.version);
      if (again) return;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}

/** The schema version the database is at (the highest applied migration). */
export function schemaVersion(db: NetraDatabase): number {
  return (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
}
