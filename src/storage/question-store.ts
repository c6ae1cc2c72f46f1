import type { FeedbackValue, GapCandidate, NetraStats, QuestionLog, QuestionLogEntry, StatsOptions } from './question-log.js';

/**
 * The question log and 👍/👎 feedback, as every storage engine offers it. Question text is stored
 * with personal data redacted and only keyed pseudonyms of who asked (see QuestionLog).
 */
export interface QuestionStore {
  /** Records an answered question; its id, or undefined when the write was queued behind another process's lock. */
  logQuestion(entry: QuestionLogEntry): Promise<number | undefined>;
  /** Records (or changes) a person's vote; false when the question does not exist. */
  recordFeedback(questionId: number, value: FeedbackValue, userHash: string, at?: Date): Promise<boolean>;
  /** Deletes questions older than `retentionDays`; returns how many. */
  sweep(retentionDays: number, now?: Date): Promise<number>;
  stats(options?: StatsOptions): Promise<NetraStats>;
  listGapCandidates(options?: StatsOptions & { limit?: number }): Promise<GapCandidate[]>;
}

/** The embedded engine's question log behind the async interface. */
export function sqliteQuestionStore(log: QuestionLog): QuestionStore {
  return {
    logQuestion: async (entry) => log.logQuestion(entry),
    recordFeedback: async (questionId, value, userHash, at) => log.recordFeedback(questionId, value, userHash, at),
    sweep: (retentionDays, now) => log.sweep(retentionDays, now),
    stats: async (options) => log.stats(options),
    listGapCandidates: async (options) => log.listGapCandidates(options),
  };
}
