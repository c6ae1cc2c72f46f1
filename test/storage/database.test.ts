import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openDatabase, RUNTIME_BUSY_TIMEOUT_MS, schemaVersion } from '../../src/storage/database.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-db-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('creates the parent directory, enables WAL, foreign keys and a busy timeout, and applies every migration', () => {
    const file = path.join(dir, 'nested', 'deeper', 'netra.sqlite');
    const db = openDatabase(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // Short: longer waits for another process's lock are asynchronous (StorageWriter).
    expect(db.pragma('busy_timeout', { simple: true })).toBe(RUNTIME_BUSY_TIMEOUT_MS);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(applied).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    for (const t of ['report_drafts', 'reports', 'reporter_identities', 'evidence', 'report_status_history', 'questions', 'feedback']) {
      expect(tables).toContain(t);
    }
    db.close();
  });

  it('is idempotent when reopened and keeps data', () => {
    const file = path.join(dir, 'netra.sqlite');
    const a = openDatabase(file);
    a.prepare(`INSERT INTO questions (channel, chat_hash, question, verdict, created_at) VALUES ('console', 'h', 'q', 'boleh', 'x')`).run();
    a.close();
    const b = openDatabase(file);
    expect(schemaVersion(b)).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    expect((b.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    expect((b.prepare('SELECT COUNT(*) AS n FROM questions').get() as { n: number }).n).toBe(1);
    b.close();
  });

  it('enforces foreign keys and status values', () => {
    const db = openDatabase(path.join(dir, 'netra.sqlite'));
    expect(() =>
      db.prepare(`INSERT INTO evidence (report_id, kind, url, created_at) VALUES (999, 'link', 'https://x.id', 'now')`).run(),
    ).toThrow(/FOREIGN KEY/);
    expect(() =>
      db
        .prepare(
          `INSERT INTO reports (ticket, election, kind_id, kind_label, incident_date, place, chronology, channel,
             reporter_chat_id, reporter_chat_hash, anonymous, consent_forward, status, route, route_detail, created_at, updated_at)
           VALUES ('NTR-AAAA-AAAA', 'pemilu', 'k', 'k', '2024-01-01', 'p', 'c', 'console', 'c', 'h', 0, 0, 'hilang', 'bawaslu', '{}', 'n', 'n')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('rolls back a failing migration as a whole and refuses a newer schema', () => {
    const db = openDatabase(path.join(dir, 'netra.sqlite'));
    const next = Math.max(...MIGRATIONS.map((m) => m.version)) + 1;
    expect(() =>
      migrate(db, [...MIGRATIONS, { version: next, name: 'broken', sql: 'CREATE TABLE half_done (x); SELECT * FROM no_such_table;' }]),
    ).toThrow();
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
    expect(schemaVersion(db)).toBe(next - 1);

    migrate(db, [...MIGRATIONS, { version: next, name: 'future', sql: 'CREATE TABLE future_table (x)' }]);
    expect(schemaVersion(db)).toBe(next);
    db.close();
    expect(() => openDatabase(path.join(dir, 'netra.sqlite'))).toThrow(/skema versi/);
  });
});
