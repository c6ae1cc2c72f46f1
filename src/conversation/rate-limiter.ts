import type { Language } from './messages.js';

/**
 * A sliding-window limit per key (a chat user, an HTTP client), so a flood from one sender never
 * slows the answers for everyone else. Memory is bounded: idle keys are pruned.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one attempt for `key` and says whether it is within the limit. */
  take(key: string): boolean {
    const t = this.now();
    const recent = (this.hits.get(key) ?? []).filter((h) => t - h < this.windowMs);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(t);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.prune(t);
    return true;
  }

  /** Milliseconds until `key` may send again (0 when it may now). */
  retryAfterMs(key: string): number {
    const recent = this.hits.get(key) ?? [];
    if (recent.length < this.limit) return 0;
    return Math.max(0, this.windowMs - (this.now() - recent[0]!));
  }

  private prune(t: number): void {
    for (const [k, v] of this.hits) if (v.every((h) => t - h >= this.windowMs)) this.hits.delete(k);
  }
}

/** What to do with one attempt: let it through, refuse it with a notice, or refuse it silently. */
export type FloodVerdict = 'allow' | 'notify' | 'silent';

/**
 * The one rate-limit wrapper: a {@link RateLimiter} plus "one notice per window", because
 * answering every message of a flood would be a flood of our own. Used by the conversation for
 * chat users and by the HTTP API for clients.
 */
export class FloodGuard {
  readonly limiter: RateLimiter;
  private readonly noticeAt = new Map<string, number>();

  constructor(
    limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new RateLimiter(limit, windowMs, now);
  }

  check(key: string): FloodVerdict {
    if (this.limiter.take(key)) return 'allow';
    const t = this.now();
    if (t - (this.noticeAt.get(key) ?? -Infinity) < this.windowMs) return 'silent';
    this.noticeAt.set(key, t);
    if (this.noticeAt.size > 10_000) {
      for (const [k, at] of this.noticeAt) if (t - at >= this.windowMs) this.noticeAt.delete(k);
    }
    return 'notify';
  }
}

/** The message a limited user sees. */
export const RATE_LIMITED_TEXTS: Record<Language, string> = {
  id: 'Mohon tunggu sebentar: Anda mengirim banyak pesan dalam waktu singkat. Silakan coba lagi dalam satu menit.',
  en: 'Please wait a moment: you sent many messages in a short time. Try again in a minute.',
};

/** The Indonesian notice (the default language). */
export const RATE_LIMITED_TEXT = RATE_LIMITED_TEXTS.id;
