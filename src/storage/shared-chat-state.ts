/**
 * What several workers share about chats besides reports: a lock per chat (so one chat's
 * messages are handled one after another, whichever worker receives them), the follow-up memory,
 * the rate-limit counters, the replies to delivered messages (so a redelivered message is not
 * applied twice), the numbered options offered last, the "full answer" links of group
 * answers and the tokens of long button data. Implemented over PostgreSQL (postgres-shared-chat-state.ts); without it all of this
 * stays in process memory. Keys are keyed hashes, never chat or user ids; values are sealed by
 * the caller.
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
  /** The sealed replies recorded for the delivered message `keyHash`, if any worker recorded them. */
  loadReplies(keyHash: string): Promise<string | undefined>;
  /** Records the sealed replies to the delivered message `keyHash` (the first record wins). */
  saveReplies(keyHash: string, sealed: string, at: string): Promise<void>;
  /** The sealed options last offered to `keyHash`, when offered at or after `notBefore` (ISO). */
  loadOffer(keyHash: string, notBefore: string): Promise<string | undefined>;
  /** Saves (replaces) the options offered to `keyHash`; `undefined` forgets them. */
  saveOffer(keyHash: string, sealed: string | undefined, at: string): Promise<void>;
  /** The sealed question behind a full-answer link token's hash. */
  loadAnswerLink(tokenHash: string): Promise<string | undefined>;
  /** Stores the sealed question of a new full-answer link. */
  saveAnswerLink(tokenHash: string, sealed: string, at: string): Promise<void>;
  /** The sealed choice id behind a button token, when stored at or after `notBefore` (ISO). */
  loadChoiceToken(token: string, notBefore: string): Promise<string | undefined>;
  /** Stores the sealed choice id of a new (random) button token. */
  saveChoiceToken(token: string, sealed: string, at: string): Promise<void>;
  /** True for the first worker that claims the delivered message `keyHash` (WhatsApp Cloud API), false for every later claim. */
  claimMessage(keyHash: string, at: string): Promise<boolean>;
  /** Records that the user `keyHash` wrote at `at` (ISO); an older time never replaces a newer one. */
  touchWindow(keyHash: string, at: string): Promise<void>;
  /** When the user `keyHash` last wrote (ISO), as any worker recorded it. */
  loadWindow(keyHash: string): Promise<string | undefined>;
  /** Deletes everything older than its cutoff (ISO timestamps). */
  sweep(before: SharedStateCutoffs): Promise<void>;
}

/** Per kind of shared state, the oldest timestamp kept by {@link SharedChatState.sweep}. */
export interface SharedStateCutoffs {
  memory: string;
  counters: string;
  replies: string;
  offers: string;
  answerLinks: string;
  /** Optional like the two below: a caller that does not know them leaves the button tokens alone. */
  choiceTokens?: string;
  /** Optional: a caller that does not know them leaves the Cloud API's rows alone. */
  seenMessages?: string;
  windows?: string;
}
