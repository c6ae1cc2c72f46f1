import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type NetraDatabase } from '../../src/storage/database.js';
import { normaliseSince, QuestionLog } from '../../src/storage/question-log.js';

let dir: string;
let db: NetraDatabase;
let log: QuestionLog;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-qlog-'));
  db = openDatabase(path.join(dir, 'netra.sqlite'));
  log = new QuestionLog(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('QuestionLog', () => {
  it('logs questions and keeps one vote per person per answer', () => {
    const id = log.logQuestion({
      channel: 'telegram',
      chatHash: 'abc',
      question: 'Bolehkah ASN like postingan calon?',
      verdict: 'dilarang',
      citedSourceIds: ['skb-2022', 'skb-2022', 'pp-94-2021'],
      latencyMs: 812.4,
    })!;
    expect(id).toBeGreaterThan(0);
    const row = db.prepare('SELECT * FROM questions WHERE id = ?').get(id) as Record<string, unknown>;
    expect(row).toMatchObject({ channel: 'telegram', chat_hash: 'abc', verdict: 'dilarang', latency_ms: 812 });
    expect(JSON.parse(String(row.cited_source_ids))).toEqual(['skb-2022', 'pp-94-2021']);

    expect(log.recordFeedback(id, 'up', 'u1')).toBe(true);
    expect(log.recordFeedback(id, 'up', 'u2')).toBe(true);
    expect(log.recordFeedback(id, 'down', 'u1')).toBe(true); // u1 changes their mind
    expect(log.recordFeedback(9999, 'up', 'u1')).toBe(false);
    expect(log.stats().feedback).toEqual({ up: 1, down: 1 });
  });

  it('counts per WIB day and channel, verdicts, feedback and reports, optionally since a day', () => {
    const at = (iso: string) => new Date(iso);
    // 2024-02-19T18:00Z is already 20 February in WIB.
    log.logQuestion({ channel: 'telegram', chatHash: 'a', question: 'q1', verdict: 'boleh', at: at('2024-02-19T16:00:00Z') });
    log.logQuestion({ channel: 'telegram', chatHash: 'a', question: 'q2', verdict: 'tidak_pasti', at: at('2024-02-19T18:00:00Z') });
    log.logQuestion({ channel: 'whatsapp', chatHash: 'b', question: 'q3', verdict: 'boleh', at: at('2024-02-20T01:00:00Z') });
    const stats = log.stats();
    expect(stats.totals.questions).toBe(3);
    expect(stats.questionsPerDay).toEqual([
      { day: '2024-02-19', channel: 'telegram', count: 1 },
      { day: '2024-02-20', channel: 'telegram', count: 1 },
      { day: '2024-02-20', channel: 'whatsapp', count: 1 },
    ]);
    expect(stats.verdicts).toEqual({ boleh: 2, tidak_pasti: 1 });
    expect(stats.reportsByStatus).toEqual({ diterima: 0, diverifikasi: 0, diteruskan: 0, selesai: 0, ditolak: 0 });

    const since = log.stats({ since: '2024-02-20' });
    expect(since.since).toBe('2024-02-19T17:00:00.000Z');
    expect(since.totals.questions).toBe(2);
    expect(since.verdicts).toEqual({ boleh: 1, tidak_pasti: 1 });
  });

  it('lists unsure or disliked answers as knowledge gaps', () => {
    const unsure = log.logQuestion({ channel: 'console', chatHash: 'a', question: 'Bolehkah ASN jadi saksi TPS?', verdict: 'tidak_pasti', at: new Date('2024-02-01T00:00:00Z') })!;
    const disliked = log.logQuestion({ channel: 'console', chatHash: 'a', question: 'Bolehkah foto dengan calon?', verdict: 'boleh_bersyarat', at: new Date('2024-02-02T00:00:00Z') })!;
    const liked = log.logQuestion({ channel: 'console', chatHash: 'a', question: 'Apakah ASN boleh memilih?', verdict: 'boleh' })!;
    log.recordFeedback(disliked, 'down', 'u1');
    log.recordFeedback(disliked, 'up', 'u2');
    log.recordFeedback(liked, 'up', 'u1');
    const gaps = log.listGapCandidates();
    expect(gaps.map((g) => g.questionId)).toEqual([disliked, unsure]);
    expect(gaps[0]).toMatchObject({ question: 'Bolehkah foto dengan calon?', up: 1, down: 1, reasons: ['tidak_disukai'] });
    expect(gaps[1]).toMatchObject({ reasons: ['tidak_pasti'], up: 0, down: 0 });
    expect(log.listGapCandidates({ since: '2024-02-02' }).map((g) => g.questionId)).toEqual([disliked]);
  });

  it('rejects malformed since dates', () => {
    expect(() => normaliseSince('2024-02-31')).toThrow();
    expect(() => normaliseSince('20-02-2024')).toThrow();
  });
});
