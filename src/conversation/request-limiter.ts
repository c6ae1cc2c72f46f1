import { RateLimiter } from './rate-limiter.js';
import type { SharedConversationState } from './shared-conversation-state.js';

/** Whether one request may go on, and when refused how long until the key may try again. */
export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A per-key request limit (the HTTP API's per-address and per-token limits). */
export interface RequestLimiter {
  /** Counts one request of `key` and says whether it is within the limit. */
  take(key: string): Promise<LimitVerdict>;
}

/**
 * `limit` requests per key per `windowMs`. With `shared` (several workers on PostgreSQL) the
 * requests are counted across workers, in fixed windows; while the shared store fails, and
 * without it, this worker counts alone (a sliding window in memory).
 */
export function requestLimiter(limit: number, options: { windowMs?: number; shared?: SharedConversationState; now?: () => number } = {}): RequestLimiter {
  const windowMs = options.windowMs ?? 60_000;
  const local = new RateLimiter(limit, windowMs, options.now);
  const takeLocally = (key: string): LimitVerdict =>
    local.take(key) ? { allowed: true } : { allowed: false, retryAfterMs: local.retryAfterMs(key) };
  const shared = options.shared;
  return {
    async take(key) {
      if (shared) {
        const verdict = await shared.count(key, limit, windowMs);
        if (verdict) return verdict;
      }
      return takeLocally(key);
    },
  };
}
