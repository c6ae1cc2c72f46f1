import { redactPersonalData } from '../privacy/redact-personal-data.js';
import type { NetraDatabase } from './database.js';
import { REPORT_STATUS_VALUES } from './database.js';
import { StorageWriter } from './storage-writer.js';

/** One answered question, as the conversation layer records it. */
export interface QuestionLogEntry {
  channel: string;
  /** A hash of the chat (see `hashUserId` in src/logging/logger.ts), never the raw id. */
  chatHash: string;
  question: string;
  /** The answer's verdict (`dilarang`, `boleh`, …, `tidak_pasti`, `di_luar_topik`). */
  verdict: string;
  citedSourceIds?: readonly string[];
  latencyMs?: number;
  /** When the question was asked; defaults to now. */
  at?: Date;
}

export type FeedbackValue = 'up' | 'down';

export interface StatsOptions {
  /** Only count from this day (`YYYY-MM-DD`, Asia/Jakarta) or instant on. */
  since?: string | Date;
}

export interface NetraStats {
  /** Start of the counted period as an ISO instant, or undefined for all time. */
  since?: string;
  totals: { questions: number; reports: number };
  /** Days are calendar days in Asia/Jakarta (WIB), where most users are. */
  questionsPerDay: { day: string; channel: string; count: number }[];
  verdicts: Record<string, number>;
  feedback: { up: number; down: number };
  reportsByStatus: Record<(typeof REPORT_STATUS_VALUES)[number], number>;
}

/** A question worth a look when extending the knowledge base. */
export interface GapCandidate {
  questionId: number;
  question: string;
  verdict: string;
  channel: string;
  createdAt: string;
  up: number;
  down: number;
  /** Why it is listed: Netra was unsure, and/or someone disliked the answer. */
  reasons: ('tidak_pasti' | 'tidak_disukai')[];
}

/** Longer questions are cut to this many characters before they are stored. */
export const MAX_QUESTION_CHARS = 4000;

/** Default for QUESTION_LOG_RETENTION_DAYS. */
export const DEFAULT_RETENTION_DAYS = 90;

/**
 * The question log and 👍/👎 feedback, used for statistics and for finding gaps in the knowledge
 * base. Stores question text (needed to see the gaps) with NIK, NIP, phone numbers and e-mail
 * addresses redacted, only keyed pseudonyms of who asked, and only for the retention period
 * ({@link sweep}). Writes never delay an answer: under another process's lock they are queued.
 */
export class QuestionLog {
  private readonly writer: StorageWriter;

  constructor(
    private readonly db: NetraDatabase,
    writer?: StorageWriter,
  ) {
    this.writer = writer ?? new StorageWriter(db, { lockWaitMs: 5000 });
  }

  /**
   * Records an answered question and returns its id (to attach feedback to later), or undefined
   * when the database is locked by another process and the record was queued instead.
   */
  logQuestion(entry: QuestionLogEntry): number | undefined {
    return this.writer.writeSoon(() => this.insert(entry));
  }

  private insert(entry: QuestionLogEntry): number {
    const info = this.db
      .prepare(
        `INSERT INTO questions (channel, chat_hash, question, verdict, cited_source_ids, latency_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.channel,
        entry.chatHash,
        redactPersonalData(entry.question.slice(0, MAX_QUESTION_CHARS)),
        entry.verdict,
        JSON.stringify([...new Set(entry.citedSourceIds ?? [])]),
        entry.latencyMs === undefined ? null : Math.max(0, Math.round(entry.latencyMs)),
        (entry.at ?? new Date()).toISOString(),
      );
    return Number(info.lastInsertRowid);
  }

  /**
   * Records a vote on an answer. A person voting again on the same answer changes their vote.
   * Returns false when the question id does not exist (e.g. a stale button).
   */
  recordFeedback(questionId: number, value: FeedbackValue, userHash: string, at: Date = new Date()): boolean {
    if (value !== 'up' && value !== 'down') throw new Error(`Nilai umpan balik tidak dikenal: ${String(value)}`);
    const exists = this.db.prepare('SELECT 1 FROM questions WHERE id = ?').get(questionId);
    if (!exists) return false;
    this.writer.writeSoon(() =>
      this.db
        .prepare(
          `INSERT INTO feedback (question_id, value, user_hash, at) VALUES (?, ?, ?, ?)
           ON CONFLICT (question_id, user_hash) DO UPDATE SET value = excluded.value, at = excluded.at`,
        )
        .run(questionId, value, userHash, at.toISOString()),
    );
    return true;
  }

  /**
   * Deletes questions (and their feedback) older than `retentionDays`. Run at start and daily
   * (QUESTION_LOG_RETENTION_DAYS, default 90). Returns how many questions were deleted.
   */
  async sweep(retentionDays: number, now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000).toISOString();
    return this.writer.write(() => this.db.prepare('DELETE FROM questions WHERE created_at < ?').run(cutoff).changes);
  }

  /** Usage figures for the admin `/statistik` view and reports. */
  stats(options: StatsOptions = {}): NetraStats {
    const since = normaliseSince(options.since);
    const from = since ?? '0000';
    const perDay = this.db
      .prepare(
        `SELECT date(created_at, '+7 hours') AS day, channel, COUNT(*) AS count
         FROM questions WHERE created_at >= ? GROUP BY day, channel ORDER BY day, channel`,
      )
      .all(from) as { day: string; channel: string; count: number }[];
    const verdictRows = this.db
      .prepare('SELECT verdict, COUNT(*) AS count FROM questions WHERE created_at >= ? GROUP BY verdict ORDER BY verdict')
      .all(from) as { verdict: string; count: number }[];
    const feedbackRows = this.db
      .prepare('SELECT value, COUNT(*) AS count FROM feedback WHERE at >= ? GROUP BY value')
      .all(from) as { value: FeedbackValue; count: number }[];
    const statusRows = this.db
      .prepare('SELECT status, COUNT(*) AS count FROM reports WHERE created_at >= ? GROUP BY status')
      .all(from) as { status: (typeof REPORT_STATUS_VALUES)[number]; count: number }[];

    const reportsByStatus = Object.fromEntries(REPORT_STATUS_VALUES.map((s) => [s, 0])) as NetraStats['reportsByStatus'];
    for (const r of statusRows) reportsByStatus[r.status] = r.count;
    const feedback = { up: 0, down: 0 };
    for (const r of feedbackRows) feedback[r.value] = r.count;
    return {
      since,
      totals: {
        questions: verdictRows.reduce((n, r) => n + r.count, 0),
        reports: statusRows.reduce((n, r) => n + r.count, 0),
      },
      questionsPerDay: perDay,
      verdicts: Object.fromEntries(verdictRows.map((r) => [r.verdict, r.count])),
      feedback,
      reportsByStatus,
    };
  }

  /** Questions Netra was unsure about (`tidak_pasti`) or that someone disliked, newest first. */
  listGapCandidates(options: StatsOptions & { limit?: number } = {}): GapCandidate[] {
    const from = normaliseSince(options.since) ?? '0000';
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const rows = this.db
      .prepare(
        `SELECT q.id, q.question, q.verdict, q.channel, q.created_at,
                COALESCE(SUM(f.value = 'up'), 0) AS up, COALESCE(SUM(f.value = 'down'), 0) AS down
         FROM questions q LEFT JOIN feedback f ON f.question_id = q.id
         WHERE q.created_at >= ?
         GROUP BY q.id
         HAVING q.verdict = 'tidak_pasti' OR down > 0
         ORDER BY q.created_at DESC, q.id DESC
         LIMIT ?`,
      )
      .all(from, limit) as {
      id: number;
      question: string;
      verdict: string;
      channel: string;
      created_at: string;
      up: number;
      down: number;
    }[];
    return rows.map((r) => ({
      questionId: r.id,
      question: r.question,
      verdict: r.verdict,
      channel: r.channel,
      createdAt: r.created_at,
      up: r.up,
      down: r.down,
      reasons: [
        ...(r.verdict === 'tidak_pasti' ? (['tidak_pasti'] as const) : []),
        ...(r.down > 0 ? (['tidak_disukai'] as const) : []),
      ],
    }));
  }
}

/** `YYYY-MM-DD` means the start of that day in WIB (UTC+7); stored timestamps are UTC ISO strings. */
export function normaliseSince(since: string | Date | undefined): string | undefined {
  if (since === undefined) return undefined;
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new Error('Tanggal "since" tidak valid.');
    return since.toISOString();
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(since);
  if (!m) throw new Error(`Tanggal "since" harus berformat YYYY-MM-DD: ${since}`);
  const midnightUtc = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (midnightUtc.toISOString().slice(0, 10) !== since) throw new Error(`Tanggal tidak valid: ${since}`);
  return new Date(midnightUtc.getTime() - 7 * 3600_000).toISOString();
}
