import { redactPersonalData } from '../privacy/redact-personal-data.js';
import type { PostgresDatabase } from './postgres.js';
import { type FeedbackValue, type GapCandidate, MAX_QUESTION_CHARS, type NetraStats, normaliseSince, type QuestionLogEntry, type StatsOptions } from './question-log.js';
import type { QuestionStore } from './question-store.js';
import { REPORT_STATUS_VALUES } from './schema.js';

/** Days are calendar days in Asia/Jakarta (UTC+7), as in the SQLite log. */
const JAKARTA_DAY = `to_char((created_at::timestamptz AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD')`;

/** The question log and feedback in PostgreSQL, shared by several workers (same rows as SQLite). */
export class PostgresQuestionLog implements QuestionStore {
  constructor(private readonly db: PostgresDatabase) {}

  async logQuestion(entry: QuestionLogEntry): Promise<number | undefined> {
    const r = await this.db.query<{ id: number }>(
      `INSERT INTO questions (channel, chat_hash, question, verdict, cited_source_ids, latency_ms, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        entry.channel,
        entry.chatHash,
        redactPersonalData(entry.question.slice(0, MAX_QUESTION_CHARS)),
        entry.verdict,
        JSON.stringify([...new Set(entry.citedSourceIds ?? [])]),
        entry.latencyMs === undefined ? null : Math.max(0, Math.round(entry.latencyMs)),
        (entry.at ?? new Date()).toISOString(),
      ],
    );
    return r.rows[0]?.id;
  }

  async recordFeedback(questionId: number, value: FeedbackValue, userHash: string, at: Date = new Date()): Promise<boolean> {
    if (value !== 'up' && value !== 'down') throw new Error(`Nilai umpan balik tidak dikenal: ${String(value)}`);
    if (!Number.isSafeInteger(questionId) || questionId < 1 || questionId > 2_147_483_647) return false;
    const r = await this.db.query(
      `INSERT INTO feedback (question_id, value, user_hash, at)
       SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM questions WHERE id = $1)
       ON CONFLICT (question_id, user_hash) DO UPDATE SET value = excluded.value, at = excluded.at`,
      [questionId, value, userHash, at.toISOString()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async sweep(retentionDays: number, now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - retentionDays * 24 * 3600_000).toISOString();
    const r = await this.db.query('DELETE FROM questions WHERE created_at < $1', [cutoff]);
    return r.rowCount ?? 0;
  }

  async stats(options: StatsOptions = {}): Promise<NetraStats> {
    const since = normaliseSince(options.since);
    const from = since ?? '0000';
    const [perDay, verdictRows, feedbackRows, statusRows] = await Promise.all([
      this.db.query<{ day: string; channel: string; count: number }>(
        `SELECT ${JAKARTA_DAY} AS day, channel, COUNT(*)::int AS count
         FROM questions WHERE created_at >= $1 GROUP BY day, channel ORDER BY day, channel`,
        [from],
      ),
      this.db.query<{ verdict: string; count: number }>(
        'SELECT verdict, COUNT(*)::int AS count FROM questions WHERE created_at >= $1 GROUP BY verdict ORDER BY verdict',
        [from],
      ),
      this.db.query<{ value: FeedbackValue; count: number }>('SELECT value, COUNT(*)::int AS count FROM feedback WHERE at >= $1 GROUP BY value', [from]),
      this.db.query<{ status: (typeof REPORT_STATUS_VALUES)[number]; count: number }>(
        'SELECT status, COUNT(*)::int AS count FROM reports WHERE created_at >= $1 GROUP BY status',
        [from],
      ),
    ]);
    const reportsByStatus = Object.fromEntries(REPORT_STATUS_VALUES.map((s) => [s, 0])) as NetraStats['reportsByStatus'];
    for (const r of statusRows.rows) reportsByStatus[r.status] = r.count;
    const feedback = { up: 0, down: 0 };
    for (const r of feedbackRows.rows) feedback[r.value] = r.count;
    return {
      since,
      totals: {
        questions: verdictRows.rows.reduce((n, r) => n + r.count, 0),
        reports: statusRows.rows.reduce((n, r) => n + r.count, 0),
      },
      questionsPerDay: perDay.rows,
      verdicts: Object.fromEntries(verdictRows.rows.map((r) => [r.verdict, r.count])),
      feedback,
      reportsByStatus,
    };
  }

  async listGapCandidates(options: StatsOptions & { limit?: number } = {}): Promise<GapCandidate[]> {
    const from = normaliseSince(options.since) ?? '0000';
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const up = `COUNT(f.id) FILTER (WHERE f.value = 'up')::int`;
    const down = `COUNT(f.id) FILTER (WHERE f.value = 'down')::int`;
    const r = await this.db.query<{ id: number; question: string; verdict: string; channel: string; created_at: string; up: number; down: number }>(
      `SELECT q.id, q.question, q.verdict, q.channel, q.created_at, ${up} AS up, ${down} AS down
       FROM questions q LEFT JOIN feedback f ON f.question_id = q.id
       WHERE q.created_at >= $1
       GROUP BY q.id
       HAVING q.verdict = 'tidak_pasti' OR ${down} > 0
       ORDER BY q.created_at DESC, q.id DESC
       LIMIT $2`,
      [from, limit],
    );
    return r.rows.map((row) => ({
      questionId: row.id,
      question: row.question,
      verdict: row.verdict,
      channel: row.channel,
      createdAt: row.created_at,
      up: row.up,
      down: row.down,
      reasons: [...(row.verdict === 'tidak_pasti' ? (['tidak_pasti'] as const) : []), ...(row.down > 0 ? (['tidak_disukai'] as const) : [])],
    }));
  }
}
