import type { Choice } from '../../conversation/messages.js';

/**
 * WhatsApp has no reliable buttons for unofficial clients, so choices are offered as numbered
 * options and the user replies with a number. This remembers the last options offered to each
 * conversation partner, in memory only, and forgets them after a while so that a "2" sent the
 * next day is read as text rather than as an answer to a question nobody remembers.
 */
export class ChoiceMemory {
  private readonly offers = new Map<string, { choices: Choice[]; at: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Remembers `choices` for `key`; an empty list forgets the previous offer. */
  remember(key: string, choices: Choice[]): void {
    if (choices.length === 0) {
      this.offers.delete(key);
      return;
    }
    this.offers.set(key, { choices, at: this.now() });
    if (this.offers.size > 10_000) this.prune();
  }

  /** The choice id behind a reply that is just a number (`"2"`, `" 2. "`), or undefined. */
  resolve(key: string, text: string): string | undefined {
    const match = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
    if (!match) return undefined;
    const offer = this.offers.get(key);
    if (!offer) return undefined;
    if (this.now() - offer.at > this.ttlMs) {
      this.offers.delete(key);
      return undefined;
    }
    return offer.choices[Number(match[1]) - 1]?.id;
  }

  private prune(): void {
    const t = this.now();
    for (const [k, v] of this.offers) if (t - v.at > this.ttlMs) this.offers.delete(k);
  }
}
