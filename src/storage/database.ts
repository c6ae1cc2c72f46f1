import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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

/** Report statuses as stored; kept here so the schema's CHECK and the code agree on one list. */
export const REPORT_STATUS_VALUES = ['diterima', 'diverifikasi', 'diteruskan', 'selesai', 'ditolak'] as const;

const statusList = REPORT_STATUS_VALUES.map((s) => `'${s}'`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'reporting',
    sql: `
      -- One unfinished report per chat. 'state' holds the answers so far as JSON, sealed with
      -- AES-256-GCM when REPORTS_ENCRYPTION_KEY is set (it can contain the reporter's identity).
      CREATE TABLE report_drafts (
        channel    TEXT NOT NULL,
        chat_id    TEXT NOT NULL,
        step       TEXT NOT NULL,
        state      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (channel, chat_id)
      );

      CREATE TABLE reports (
        id                 INTEGER PRIMARY KEY,
        ticket             TEXT NOT NULL UNIQUE,
        election           TEXT NOT NULL,
        kind_id            TEXT NOT NULL,
        kind_label         TEXT NOT NULL,
        reported_name      TEXT,
        reported_position  TEXT,
        reported_agency    TEXT,
        reported_id_number TEXT,
        incident_date      TEXT NOT NULL,
        place              TEXT NOT NULL,
        chronology         TEXT NOT NULL,
        channel            TEXT NOT NULL,
        -- The chat to notify. On WhatsApp this is a phone number, so it is sealed like the identity;
        -- the keyed hash next to it is what /status looks up.
        reporter_chat_id   TEXT NOT NULL,
        reporter_chat_hash TEXT NOT NULL,
        anonymous          INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
        consent_forward    INTEGER NOT NULL CHECK (consent_forward IN (0, 1)),
        status             TEXT NOT NULL CHECK (status IN (${statusList})),
        route              TEXT NOT NULL,
        route_detail       TEXT NOT NULL,
        deadline           TEXT,
        created_at         TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      );
      CREATE INDEX reports_by_status ON reports (status, created_at);
      CREATE INDEX reports_by_chat ON reports (channel, reporter_chat_hash);
      CREATE INDEX reports_by_created ON reports (created_at);

      -- Kept apart from 'reports' so content can be read, exported or shared without the reporter.
      -- 'payload' is JSON {name, address, contact}: AES-256-GCM ciphertext when a key is configured,
      -- otherwise PLAINTEXT (encrypted = 0) — operators are told to set REPORTS_ENCRYPTION_KEY.
      CREATE TABLE reporter_identities (
        report_id  INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
        payload    TEXT NOT NULL,
        encrypted  INTEGER NOT NULL CHECK (encrypted IN (0, 1)),
        created_at TEXT NOT NULL
      );

      -- Files live under the evidence directory as '<uuid>.<ext>'; original_name is only shown, never a path.
      CREATE TABLE evidence (
        id            INTEGER PRIMARY KEY,
        report_id     INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        kind          TEXT NOT NULL CHECK (kind IN ('file', 'link')),
        file_name     TEXT,
        mime_type     TEXT,
        size_bytes    INTEGER,
        sha256        TEXT,
        original_name TEXT,
        attachment_kind TEXT,
        url           TEXT,
        created_at    TEXT NOT NULL,
        CHECK ((kind = 'file' AND file_name IS NOT NULL AND sha256 IS NOT NULL) OR (kind = 'link' AND url IS NOT NULL))
      );
      CREATE INDEX evidence_by_report ON evidence (report_id);

      CREATE TABLE report_status_history (
        id        INTEGER PRIMARY KEY,
        report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        status    TEXT NOT NULL CHECK (status IN (${statusList})),
        note      TEXT,
        at        TEXT NOT NULL
      );
      CREATE INDEX status_history_by_report ON report_status_history (report_id, id);
    `,
  },
  {
    version: 2,
    name: 'question-log',
    sql: `
      CREATE TABLE questions (
        id                INTEGER PRIMARY KEY,
        channel           TEXT NOT NULL,
        chat_hash         TEXT NOT NULL,
        question          TEXT NOT NULL,
        verdict           TEXT NOT NULL,
        cited_source_ids  TEXT NOT NULL DEFAULT '[]',
        latency_ms        INTEGER,
        created_at        TEXT NOT NULL
      );
      CREATE INDEX questions_by_created ON questions (created_at);
      CREATE INDEX questions_by_verdict ON questions (verdict);

      -- One vote per person per answer; voting again replaces the earlier vote.
      CREATE TABLE feedback (
        id          INTEGER PRIMARY KEY,
        question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
        value       TEXT NOT NULL CHECK (value IN ('up', 'down')),
        user_hash   TEXT NOT NULL,
        at          TEXT NOT NULL,
        UNIQUE (question_id, user_hash)
      );
      CREATE INDEX feedback_by_value ON feedback (value);
    `,
  },
  {
    version: 3,
    name: 'privacy',
    sql: `
      -- report_drafts.chat_id now holds a keyed lookup hash ('k1:<hex>', see draft-repository.ts),
      -- never the chat id itself (on WhatsApp a phone number); the id is kept here, sealed.
      -- Rows written before this version are converted at start (convertLegacyDrafts).
      ALTER TABLE report_drafts ADD COLUMN chat_ref TEXT;

      -- Who looked at a reporter's identity, who changed a status, who exported or re-keyed, and when.
      -- 'actor' is the admin as configured (e.g. 'telegram:12345', 'console', 'cli:root').
      CREATE TABLE audit_log (
        id      INTEGER PRIMARY KEY,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL CHECK (action IN ('identity_viewed', 'identity_exported', 'status_changed', 'reports_rekeyed')),
        ticket  TEXT,
        detail  TEXT
      );
      CREATE INDEX audit_by_ticket ON audit_log (ticket, id);
      CREATE INDEX audit_by_at ON audit_log (at);
    `,
  },
];

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
    throw new Error(
      `Basis data memakai skema versi ${current}, sedangkan Netra ini hanya mengenal sampai versi ${known}. Perbarui Netra.`,
    );
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
