/**
 * What several workers share about chats besides reports: a lock per chat (so one chat's
 * messages are handled one after another, whichever worker receives them), the follow-up memory
 * and the rate-limit counters. Implemented over PostgreSQL (postgres-shared-chat-state.ts); without
 * it all three stay in process memory. Keys are keyed hashes, never chat or user ids.
 */
export interface SharedChatState {
  /**
   * Runs `task` while holding the lock of `lockKey` across all workers; released when it settles
   * (or when the worker dies: the lock belongs to its database connection).
   */
  withLock<T>(lockKey: string, task: () => Promise<T>): Promise<T>;
  /** Counts one hit of `bucket` in the window starting at `windowStart` (ISO) and returns the window's hits so far. */
  countHit(bucket: string, windowStart: string): Promise<number>;
  /** The sealed memory of `keyHash`, when it was saved at or after `notBefore` (ISO). */
  loadMemory(keyHash: string, notBefore: string): Promise<string | undefined>;
  /** Saves (replaces) the sealed memory of `keyHash`. */
  saveMemory(keyHash: string, sealed: string, at: string): Promise<void>;
  /** Deletes memory saved before `memoryBefore` and counters of windows before `countersBefore`. */
  sweep(memoryBefore: string, countersBefore: string): Promise<void>;
}
