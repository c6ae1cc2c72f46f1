import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { choice, fillReport, msg, reportDriver, textOf, ticketOf } from './helpers.js';

/**
 * Two Netra workers (two app instances, one shared data directory for evidence) on one PostgreSQL
 * database: what one stores, the other reads — reports, drafts, statuses, questions and votes.
 */
describe.skipIf(!TEST_DATABASE_URL)(`two workers on one PostgreSQL database${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let dir: string;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-pgapp-'));
    const env = {
      DATABASE_URL: u.toString(),
      NETRA_DATA_DIR: dir,
      NETRA_ID_SECRET: 'shared-id-secret-of-all-workers-0123',
      REPORTS_ENCRYPTION_KEY: 'shared-encryption-key-of-all-workers',
    };
    a = await createTestApp(env);
    b = await createTestApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores nothing in SQLite: the data directory holds no database file', () => {
    expect(a.app.stores.engine).toBe('postgres');
    expect(a.app.db).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'netra.sqlite'))).toBe(false);
  });

  it('a report filed on one worker is seen, changed and told on the other', async () => {
    const onA = reportDriver(a.app.reporting);
    const onB = reportDriver(b.app.reporting);
    await fillReport(onA, '5551', { kind: 'media_sosial', date: '09-01-2024' });
    const ticket = ticketOf(await onA.handle(choice('5551', 'confirm:send')));
    expect(await schema.query('SELECT COUNT(*) AS n FROM reports')).toEqual([{ n: 1 }]);
    expect(await schema.query('SELECT COUNT(*) AS n FROM report_drafts')).toEqual([{ n: 0 }]);
    // Sealed in PostgreSQL as in SQLite.
    const stored = JSON.stringify([...(await schema.query('SELECT * FROM reports')), ...(await schema.query('SELECT * FROM reporter_identities'))]);
    expect(stored).not.toContain('Siti Aminah');
    expect(stored).not.toContain('5551');

    expect(textOf(await onB.status(msg('5551', `/status ${ticket}`), ticket))).toContain(`Laporan ${ticket}`);
    expect(textOf(await onB.status(msg('5552', `/status ${ticket}`), ticket))).toMatch(/tidak ditemukan/);
    expect(textOf(await onB.admin(`/ubahstatus ${ticket} diverifikasi sudah dicek`))).toContain('Diverifikasi');
    const detail = textOf(await onA.admin(`/laporan ${ticket}`));
    expect(detail).toContain('Diverifikasi');
    expect(detail).toContain('Siti Aminah'); // opened with the shared key
    expect((await schema.query(`SELECT action FROM audit_log ORDER BY id`)).map((r) => r.action)).toEqual(['status_changed', 'identity_viewed']);
  });

  it('a report started on one worker continues on the other', async () => {
    const onA = reportDriver(a.app.reporting);
    const onB = reportDriver(b.app.reporting);
    expect(textOf(await onA.start(msg('777', '/lapor')))).toMatch(/Langkah 1 dari 9/);
    expect(await onB.isInFlow('telegram', '777')).toBe(true);
    expect(textOf(await onB.handle(choice('777', 'kind:media_sosial')))).toMatch(/Langkah 2 dari 9/);
    expect(textOf(await onA.handle(msg('777', '/batal')))).toMatch(/Batalkan laporan?/);
  });

  it('questions answered on both workers land in one log, and a vote on the other worker counts', async () => {
    const before = (await a.app.questionLog.stats()).totals.questions;
    const answered = await a.conversation.handle(msg('4242', 'Bolehkah PNS like postingan caleg di Instagram?'));
    const feedback = answered.flatMap((o) => (o.kind !== 'ack' && o.choices ? o.choices : [])).find((c) => c.id.startsWith('feedback:up:'));
    expect(feedback).toBeDefined();
    await b.conversation.handle(choice('4242', feedback!.id));
    await b.conversation.handle(msg('4243', 'Apakah PNS boleh menjadi anggota partai politik?'));
    const stats = await b.app.questionLog.stats();
    expect(stats.totals.questions).toBe(before + 2);
    expect(stats.feedback.up).toBe(1);
    expect(a.app.storage.health()).toMatchObject({ state: 'ok' });
  });

  it('a follow-up answered by the other worker is read with the question before it', async () => {
    await a.conversation.handle(msg('4300', 'Bolehkah PNS membuat postingan dukungan caleg di Instagram?'));
    expect(b.app.conversation.asker.memory.recent('telegram:4300:4300')).toEqual([]);
    await b.conversation.handle(msg('4300', 'kalau cuma like saja?'));
    const turns = b.app.conversation.asker.memory.recent('telegram:4300:4300');
    expect(turns.map((t) => t.question)).toEqual(['Bolehkah PNS membuat postingan dukungan caleg di Instagram?', 'kalau cuma like saja?']);
    const stored = JSON.stringify(await schema.query('SELECT * FROM conversation_memory'));
    expect(stored).not.toContain('caleg');
    expect(stored).not.toContain('4300');
  });
});
