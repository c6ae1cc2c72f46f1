/**
 * A sliding-window limit per user, shared by every adapter so a flood from one person
 * never slows the answers for everyone else.
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

  private prune(t: number): void {
    for (const [k, v] of this.hits) if (v.every((h) => t - h >= this.windowMs)) this.hits.delete(k);
  }
}

/** The message a limited user sees, in Indonesian (the default language). */
export const RATE_LIMITED_TEXT =
  'Mohon tunggu sebentar: Anda mengirim banyak pesan dalam waktu singkat. Silakan coba lagi dalam satu menit.';
