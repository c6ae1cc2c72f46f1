import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnreadableDraftError } from '../../src/reporting/draft-repository.js';
import { newDraft, type DraftState } from '../../src/reporting/report-flow.js';
import type { NetraStorage } from '../../src/reporting/netra-storage.js';
import type { NewReport } from '../../src/reporting/report-repository.js';
import type { RouteDecision } from '../../src/reporting/report-routing.js';
import { createFieldSealer, type FieldSealer } from '../../src/storage/field-crypto.js';

/** One engine under test: opened fresh (its own file or schema) for every test, dropped after. */
export interface EngineUnderTest {
  /** Opens the storage of this test's database with `sealer` (a second open is a second worker or a restart). */
  open(sealer: FieldSealer): Promise<NetraStorage>;
  /** Rows of a raw SQL query (placeholder-free), to look at what is really stored. */
  raw(sql: string): Promise<Record<string, unknown>[]>;
  /** Drops the file or schema. */
  dispose(): Promise<void>;
}

export const ID_SECRET = 'test-id-secret-for-the-repository-suite';
export const KEY = 'repository-suite-key-0123456789abcdef';

const NOW = new Date('2024-02-20T03:00:00Z');
const ROUTE = {
  primary: 'bawaslu',
  options: [{ id: 'bawaslu' }],
  rule: { id: 'stage_running', explanation: 'Tahapan berjalan.' },
  notes: [],
  deadline: { due: '2024-02-29' },
} as unknown as RouteDecision;

function newReport(over: Partial<NewReport> = {}): NewReport {
  return {
    election: 'pemilu',
    kindId: 'medsos',
    kindLabel: 'Kampanye di media sosial',
    reported: { name: 'Drs. Budi Santoso, M.Si.', position: 'Kepala Bidang', agency: 'Dinas Pendidikan' },
    incidentDate: '2024-02-18',
    knownDate: '2024-02-19',
    place: 'Kota Bandung',
    chronology: 'Mengunggah foto bersama calon dengan ajakan memilih di akun resminya.',
    evidence: [
      {
        fileName: '0b8e6f1c-1d2e-4f50-9a1b-2c3d4e5f6a7b.jpg',
        mimeType: 'image/jpeg',
        size: 2048,
        sha256: 'a'.repeat(64),
        originalName: 'foto.jpg',
        description: 'tangkapan layar',
        attachmentKind: 'photo',
        receivedAt: '2024-02-20T02:59:00.000Z',
      },
    ],
    links: ['https://example.com/post/1'],
    channel: 'telegram',
    chatId: '6281234567890',
    anonymous: false,
    consentForward: true,
    identity: { name: 'Siti Aminah', contact: '081234567890' },
    route: ROUTE,
    ...over,
  };
}

function draftWithEvidence(fileName: string): DraftState {
  const d = newDraft();
  d.step = 'evidence';
  d.fields.evidence.push({ fileName, mimeType: 'image/png', size: 10, sha256: 'b'.repeat(64), attachmentKind: 'photo', receivedAt: NOW.toISOString() });
  return d;
}

/**
 * The repository contract every storage engine keeps: the same test code runs against SQLite
 * (always) and PostgreSQL (when NETRA_TEST_DATABASE_URL is set).
 */
export function describeRepositorySuite(engineName: string, makeEngine: () => Promise<EngineUnderTest>): void {
  describe(`repositories on ${engineName}`, () => {
    let engine: EngineUnderTest;
    let storage: NetraStorage;
    const sealer = createFieldSealer(KEY, ID_SECRET);

    beforeEach(async () => {
      engine = await makeEngine();
      storage = await engine.open(sealer);
    });
    afterEach(async () => {
      await storage.close();
      await engine.dispose();
    });

    it('stores a report with its evidence, links, identity and first status, and deletes the draft in the same transaction', async () => {
      await storage.drafts.save('telegram', '6281234567890', newDraft(), NOW);
      const created = await storage.reports.create(newReport(), NOW, { deleteDraftOf: { channel: 'telegram', chatId: '6281234567890' } });
      expect(created.ticket).toMatch(/^NTR-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(created).toMatchObject({ status: 'diterima', route: 'bawaslu', deadline: '2024-02-29', knownDate: '2024-02-19', anonymous: false, consentForward: true });
      expect(created.evidence).toEqual([expect.objectContaining({ fileName: '0b8e6f1c-1d2e-4f50-9a1b-2c3d4e5f6a7b.jpg', size: 2048, description: 'tangkapan layar' })]);
      expect(created.links).toEqual(['https://example.com/post/1']);
      expect(await storage.drafts.get('telegram', '6281234567890')).toBeUndefined();
      expect(await storage.reports.findByTicket(created.ticket)).toEqual(created);
      expect(await storage.reports.history(created.id)).toEqual([{ status: 'diterima', note: undefined, at: NOW.toISOString() }]);
      expect(await storage.reports.routeDetail(created)).toMatchObject({ primary: 'bawaslu', rule: { id: 'stage_running' } });
    });

    it('a report that cannot be stored leaves nothing behind, and the draft stays', async () => {
      await storage.drafts.save('telegram', '6281234567890', newDraft(), NOW);
      const broken = newReport({ evidence: [{ ...newReport().evidence[0]!, sha256: null as unknown as string }] });
      await expect(storage.reports.create(broken, NOW, { deleteDraftOf: { channel: 'telegram', chatId: '6281234567890' } })).rejects.toThrow();
      expect(await engine.raw('SELECT COUNT(*) AS n FROM reports')).toEqual([{ n: 0 }]);
      expect(await engine.raw('SELECT COUNT(*) AS n FROM report_status_history')).toEqual([{ n: 0 }]);
      expect(await storage.drafts.get('telegram', '6281234567890')).toBeDefined();
    });

    it('shows a report to the chat that filed it only, and lists that chat’s reports newest first', async () => {
      const first = await storage.reports.create(newReport(), NOW);
      const second = await storage.reports.create(newReport({ place: 'Kota Cimahi' }), new Date(NOW.getTime() + 60_000));
      await storage.reports.create(newReport({ chatId: '999' }), NOW);
      expect((await storage.reports.findForReporter(first.ticket, 'telegram', '6281234567890'))?.id).toBe(first.id);
      expect(await storage.reports.findForReporter(first.ticket, 'telegram', '999')).toBeUndefined();
      expect(await storage.reports.findForReporter(first.ticket, 'whatsapp', '6281234567890')).toBeUndefined();
      expect((await storage.reports.listForReporter('telegram', '6281234567890')).map((r) => r.ticket)).toEqual([second.ticket, first.ticket]);
      expect(await storage.reports.listForReporter('telegram', '6281234567890', 1)).toHaveLength(1);
    });

    it('never stores the chat id or the identity in plaintext when a key is set', async () => {
      const r = await storage.reports.create(newReport(), NOW);
      const dump = JSON.stringify([
        ...(await engine.raw('SELECT * FROM reports')),
        ...(await engine.raw('SELECT * FROM reporter_identities')),
      ]);
      expect(dump).not.toContain('6281234567890');
      expect(dump).not.toContain('Siti Aminah');
      expect(dump).not.toContain('081234567890');
      expect(await storage.reports.reporterChatId(r)).toBe('6281234567890');
      const seen = await storage.reports.identity(r, 'telegram:42', { now: NOW });
      expect(seen).toEqual({ state: 'available', identity: { name: 'Siti Aminah', contact: '081234567890' }, encrypted: true });
      expect(await storage.reports.auditTrail(r.ticket)).toEqual([{ at: NOW.toISOString(), actor: 'telegram:42', action: 'identity_viewed', ticket: r.ticket }]);
    });

    it('with another key the identity is locked and the chat id unknown, but /status still finds the report', async () => {
      const r = await storage.reports.create(newReport(), NOW);
      await storage.reports.create(newReport({ identity: undefined, anonymous: true, consentForward: false, chatId: '5' }), NOW);
      await storage.close();
      storage = await engine.open(createFieldSealer('another-key-entirely-0123456789', ID_SECRET));
      expect(await storage.reports.identity(r, 'console')).toEqual({ state: 'locked' });
      expect(await storage.reports.reporterChatId(r)).toBeUndefined();
      expect((await storage.reports.findForReporter(r.ticket, 'telegram', '6281234567890'))?.id).toBe(r.id);
      const anon = (await storage.reports.listForReporter('telegram', '5'))[0]!;
      expect(await storage.reports.identity(anon, 'console')).toEqual({ state: 'none' });
    });

    it('changes a status with history and audit trail, and filters and counts by status', async () => {
      const a = await storage.reports.create(newReport(), NOW);
      const b = await storage.reports.create(newReport(), new Date(NOW.getTime() + 1000));
      const later = new Date(NOW.getTime() + 3600_000);
      await storage.reports.changeStatus(a.id, 'diteruskan', 'ke Bawaslu', later, 'telegram:42');
      expect((await storage.reports.findByTicket(a.ticket))?.status).toBe('diteruskan');
      expect(await storage.reports.history(a.id)).toEqual([
        { status: 'diterima', note: undefined, at: NOW.toISOString() },
        { status: 'diteruskan', note: 'ke Bawaslu', at: later.toISOString() },
      ]);
      expect(await storage.reports.auditTrail(a.ticket)).toEqual([
        { at: later.toISOString(), actor: 'telegram:42', action: 'status_changed', ticket: a.ticket, detail: 'diterima → diteruskan' },
      ]);
      expect(await storage.reports.countByStatus()).toEqual({ diterima: 1, diverifikasi: 0, diteruskan: 1, selesai: 0, ditolak: 0 });
      expect((await storage.reports.list({ status: 'diterima' })).map((r) => r.ticket)).toEqual([b.ticket]);
      expect((await storage.reports.list()).map((r) => r.ticket)).toEqual([b.ticket, a.ticket]);
      expect((await storage.reports.list({ since: new Date(NOW.getTime() + 500).toISOString() })).map((r) => r.ticket)).toEqual([b.ticket]);
      expect(await storage.reports.list({ limit: 1 })).toHaveLength(1);
    });

    it('gives every report of a burst its own ticket', async () => {
      const made = await Promise.all(Array.from({ length: 25 }, (_, i) => storage.reports.create(newReport({ chatId: `c${i}` }), NOW)));
      expect(new Set(made.map((r) => r.ticket)).size).toBe(25);
      expect(new Set(made.map((r) => r.id)).size).toBe(25);
      expect((await storage.reports.countByStatus()).diterima).toBe(25);
      expect(await engine.raw('SELECT COUNT(*) AS n FROM evidence')).toEqual([{ n: 50 }]);
    });

    it('keeps one draft per chat under a keyed hash, sealed, and resumes it after a restart', async () => {
      const state = draftWithEvidence('11111111-2222-4333-8444-555555555555.png');
      state.fields.identity = { name: 'Siti Aminah' };
      await storage.drafts.save('whatsapp', '6281234567890@c.us', state, NOW);
      const later = new Date(NOW.getTime() + 5000);
      await storage.drafts.save('whatsapp', '6281234567890@c.us', { ...state, step: 'identity' }, later);
      const dump = JSON.stringify(await engine.raw('SELECT * FROM report_drafts'));
      expect(dump).not.toContain('6281234567890');
      expect(dump).not.toContain('Siti Aminah');
      expect(await engine.raw('SELECT COUNT(*) AS n FROM report_drafts')).toEqual([{ n: 1 }]);
      await storage.close();
      storage = await engine.open(sealer);
      const back = await storage.drafts.get('whatsapp', '6281234567890@c.us');
      expect(back).toMatchObject({ createdAt: NOW.toISOString(), updatedAt: later.toISOString() });
      expect(back?.state.step).toBe('identity');
      expect(back?.state.fields.identity).toEqual({ name: 'Siti Aminah' });
      expect(await storage.drafts.updatedAt('whatsapp', '6281234567890@c.us')).toBe(later.toISOString());
      expect(await storage.drafts.get('telegram', '6281234567890@c.us')).toBeUndefined();
      await storage.drafts.delete('whatsapp', '6281234567890@c.us');
      expect(await storage.drafts.updatedAt('whatsapp', '6281234567890@c.us')).toBeUndefined();
    });

    it('a draft sealed with another key is unreadable, not silently empty', async () => {
      await storage.drafts.save('telegram', '7', newDraft(), NOW);
      await storage.close();
      storage = await engine.open(createFieldSealer('another-key-entirely-0123456789', ID_SECRET));
      await expect(storage.drafts.get('telegram', '7')).rejects.toBeInstanceOf(UnreadableDraftError);
      expect(await storage.drafts.referencedEvidence()).toEqual({ files: new Set(), complete: false });
    });

    it('sweeps stale drafts and names their evidence files; fresh drafts keep theirs referenced', async () => {
      await storage.drafts.save('telegram', 'old', draftWithEvidence('aaaaaaaa-2222-4333-8444-555555555555.png'), NOW);
      await storage.drafts.save('telegram', 'new', draftWithEvidence('bbbbbbbb-2222-4333-8444-555555555555.png'), new Date(NOW.getTime() + 10 * 86400_000));
      const swept = await storage.drafts.deleteStale(new Date(NOW.getTime() + 86400_000));
      expect(swept).toEqual({ count: 1, files: ['aaaaaaaa-2222-4333-8444-555555555555.png'] });
      expect(await storage.drafts.get('telegram', 'old')).toBeUndefined();
      expect(await storage.drafts.referencedEvidence()).toEqual({ files: new Set(['bbbbbbbb-2222-4333-8444-555555555555.png']), complete: true });
    });

    it('logs questions with personal data redacted, one vote per person, statistics per WIB day, gaps, and the retention sweep', async () => {
      const q = storage.questions;
      const id = (await q.logQuestion({
        channel: 'telegram',
        chatHash: 'h1',
        question: 'Saya NIP 198706152010011002, bolehkah like postingan caleg?',
        verdict: 'dilarang',
        citedSourceIds: ['skb-2022', 'skb-2022', 'pp-94-2021'],
        latencyMs: 812.4,
        // 18:00 UTC is already the next day in Jakarta.
        at: new Date('2024-02-19T18:00:00Z'),
      }))!;
      expect(id).toBeGreaterThan(0);
      const unsure = (await q.logQuestion({ channel: 'whatsapp', chatHash: 'h2', question: 'Bolehkah jadi MC acara calon?', verdict: 'tidak_pasti', at: NOW }))!;
      await q.logQuestion({ channel: 'telegram', chatHash: 'h3', question: 'Lama', verdict: 'boleh', at: new Date('2023-01-01T00:00:00Z') });
      const rows = await engine.raw('SELECT question, cited_source_ids, latency_ms FROM questions ORDER BY id');
      expect(rows[0]).toEqual({ question: expect.not.stringContaining('198706152010011002'), cited_source_ids: '["skb-2022","pp-94-2021"]', latency_ms: 812 });

      expect(await q.recordFeedback(id, 'up', 'u1', NOW)).toBe(true);
      expect(await q.recordFeedback(id, 'up', 'u2', NOW)).toBe(true);
      expect(await q.recordFeedback(id, 'down', 'u1', NOW)).toBe(true);
      expect(await q.recordFeedback(999_999, 'up', 'u1', NOW)).toBe(false);
      await storage.reports.create(newReport(), NOW);

      const stats = await q.stats({ since: '2024-02-01' });
      expect(stats.totals).toEqual({ questions: 2, reports: 1 });
      expect(stats.questionsPerDay).toEqual([
        { day: '2024-02-20', channel: 'telegram', count: 1 },
        { day: '2024-02-20', channel: 'whatsapp', count: 1 },
      ]);
      expect(stats.verdicts).toEqual({ dilarang: 1, tidak_pasti: 1 });
      expect(stats.feedback).toEqual({ up: 1, down: 1 });
      expect(stats.reportsByStatus.diterima).toBe(1);
      expect((await q.stats()).totals.questions).toBe(3);

      const gaps = await q.listGapCandidates({ since: '2024-02-01' });
      expect(gaps.map((g) => [g.questionId, g.up, g.down, g.reasons])).toEqual([
        [unsure, 0, 0, ['tidak_pasti']],
        [id, 1, 1, ['tidak_disukai']],
      ]);

      expect(await q.sweep(90, NOW)).toBe(1);
      expect((await q.stats()).totals.questions).toBe(2);
    });

    it('a second connection (another worker) sees what the first wrote', async () => {
      const other = await engine.open(sealer);
      try {
        const r = await storage.reports.create(newReport(), NOW);
        expect((await other.reports.findForReporter(r.ticket, 'telegram', '6281234567890'))?.id).toBe(r.id);
        await other.reports.changeStatus(r.id, 'diverifikasi', undefined, NOW, 'console');
        expect((await storage.reports.findByTicket(r.ticket))?.status).toBe('diverifikasi');
      } finally {
        await other.close();
      }
    });
  });
}
