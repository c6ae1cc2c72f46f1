import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newDraft } from '../../src/reporting/report-flow.js';
import { openNetraStorage, type NetraStorage } from '../../src/reporting/netra-storage.js';
import type { NewReport } from '../../src/reporting/report-repository.js';
import type { RouteDecision } from '../../src/reporting/report-routing.js';
import { CopyConflictError, copySqliteToPostgres } from '../../src/storage/copy-database.js';
import { openDatabase } from '../../src/storage/database.js';
import { createFieldSealer } from '../../src/storage/field-crypto.js';
import { PostgresDatabase } from '../../src/storage/postgres.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { ID_SECRET, KEY } from './repository-suite.js';

const NOW = new Date('2024-02-20T03:00:00Z');
const sealer = createFieldSealer(KEY, ID_SECRET);

function report(i: number): NewReport {
  return {
    election: 'pilkada',
    kindId: 'medsos',
    kindLabel: 'Kampanye di media sosial',
    reported: { name: `Pegawai ${i}`, agency: 'Dinas Kesehatan' },
    incidentDate: '2024-02-18',
    place: 'Kabupaten Garut',
    chronology: `Kejadian nomor ${i}: membagikan atribut calon di kantor.`,
    evidence: [],
    links: [`https://example.com/${i}`],
    channel: i % 2 ? 'telegram' : 'whatsapp',
    chatId: `chat-${i}`,
    anonymous: i % 3 === 0,
    consentForward: i % 3 !== 0,
    identity: i % 3 === 0 ? undefined : { name: `Pelapor ${i}`, contact: `08123${i}` },
    route: { primary: 'sp4n_lapor', options: [], rule: { id: 'no_stage', explanation: '-' }, notes: [] } as unknown as RouteDecision,
  };
}

/** A SQLite deployment with `n` reports (statuses changed, identities viewed), drafts, questions and votes. */
async function sqliteDeployment(file: string, n: number): Promise<void> {
  const s = await openNetraStorage({ engine: 'sqlite', path: file }, sealer);
  try {
    for (let i = 1; i <= n; i++) {
      const r = await s.reports.create(report(i), new Date(NOW.getTime() + i * 1000));
      if (i % 4 === 0) await s.reports.changeStatus(r.id, 'diverifikasi', 'dicek', NOW, 'console');
      if (i % 5 === 0) await s.reports.identity(r, 'telegram:1', { now: NOW });
    }
    await s.drafts.save('telegram', 'draft-chat', newDraft(), NOW);
    const q = (await s.questions.logQuestion({ channel: 'telegram', chatHash: 'h', question: 'Bolehkah?', verdict: 'boleh', at: NOW }))!;
    await s.questions.recordFeedback(q, 'up', 'u1', NOW);
  } finally {
    await s.close();
  }
}

describe.skipIf(!TEST_DATABASE_URL)(`db:copy from SQLite to PostgreSQL${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  const url = TEST_DATABASE_URL ?? '';
  let dir: string;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let target: PostgresDatabase;
  const opened: NetraStorage[] = [];
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-copy-'));
    schema = await freshSchema(url);
    target = new PostgresDatabase({ connectionString: url, schema: schema.schema, max: 2 });
  });
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    await target.close();
    await schema.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies every table, loses no report, and the copy reads back the same (sealed identities, /status lookups, drafts)', async () => {
    const file = path.join(dir, 'netra.sqlite');
    await sqliteDeployment(file, 60);
    const source = openDatabase(file);
    const first = await copySqliteToPostgres(source, target);
    expect(Object.fromEntries(first.map((t) => [t.table, [t.source, t.inserted]]))).toEqual({
      reports: [60, 60],
      reporter_identities: [40, 40],
      evidence: [60, 60],
      report_status_history: [75, 75],
      report_drafts: [1, 1],
      questions: [1, 1],
      feedback: [1, 1],
      audit_log: [23, 23], // 15 status changes + 8 identities viewed
    });

    // Idempotent: a second run inserts nothing and still verifies.
    const again = await copySqliteToPostgres(source, target);
    expect(again.every((t) => t.inserted === 0 && t.alreadyThere === t.source)).toBe(true);

    const sqlite = await openNetraStorage({ engine: 'sqlite', path: file }, sealer);
    const pg = await openNetraStorage({ engine: 'postgres', url, schema: schema.schema }, sealer);
    opened.push(sqlite, pg);
    expect(await pg.reports.list()).toEqual(await sqlite.reports.list());
    expect(await pg.reports.countByStatus()).toEqual({ diterima: 45, diverifikasi: 15, diteruskan: 0, selesai: 0, ditolak: 0 });
    const seven = (await sqlite.reports.listForReporter('telegram', 'chat-7'))[0]!;
    expect((await pg.reports.findForReporter(seven.ticket, 'telegram', 'chat-7'))?.id).toBe(seven.id);
    expect(await pg.reports.identity(seven, 'console')).toMatchObject({ state: 'available', identity: { name: 'Pelapor 7' } });
    expect(await pg.reports.reporterChatId(seven)).toBe('chat-7');
    expect(await pg.drafts.get('telegram', 'draft-chat')).toBeDefined();
    expect((await pg.questions.stats()).feedback).toEqual({ up: 1, down: 0 });

    // New rows after the copy get ids past the copied ones.
    const next = await pg.reports.create(report(61), NOW);
    expect(next.id).toBe(61);
    source.close();
  });

  it('refuses to merge a different deployment into a used target, and changes nothing', async () => {
    const a = path.join(dir, 'a.sqlite');
    const b = path.join(dir, 'b.sqlite');
    await sqliteDeployment(a, 3);
    await sqliteDeployment(b, 3);
    const sa = openDatabase(a);
    const sb = openDatabase(b);
    try {
      await copySqliteToPostgres(sa, target);
      const before = await schema.query('SELECT ticket FROM reports ORDER BY id');
      await expect(copySqliteToPostgres(sb, target)).rejects.toBeInstanceOf(CopyConflictError);
      expect(await schema.query('SELECT ticket FROM reports ORDER BY id')).toEqual(before);
      expect(await schema.query('SELECT COUNT(*) AS n FROM questions')).toEqual([{ n: 1 }]);
    } finally {
      sa.close();
      sb.close();
    }
  });
});
