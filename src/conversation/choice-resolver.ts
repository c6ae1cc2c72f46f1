import type { Choice } from './messages.js';

/**
 * The one way a typed reply becomes a choice: a number ("2", " 2. ", "2)") picks the option with
 * that position, and the option's exact label (any case, trailing dot ignored) picks it too.
 * Where buttons are missing (WhatsApp, the console) this is how users choose.
 */
export function resolveChoice(text: string, choices: readonly Choice[]): Choice | undefined {
  if (choices.length === 0) return undefined;
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (number) return choices[Number(number[1]) - 1];
  const t = text.toLowerCase().replace(/[.!]+$/, '').trim();
  if (t === '') return undefined;
  return choices.find((c) => c.label.toLowerCase() === t);
}

/**
 * Where the options last offered to each conversation are kept, so a numbered reply ("2") can be
 * mapped back: this process's memory ({@link OfferedChoices}), or shared by every worker
 * (SharedConversationState.choiceOffers).
 */
export interface ChoiceOffers {
  /** Remembers `choices` for `key`; an empty list forgets the previous offer. */
  remember(key: string, choices: readonly Choice[]): Promise<void>;
  /** The offered choice a reply picks, or undefined. */
  resolve(key: string, text: string): Promise<Choice | undefined>;
}

/**
 * The options last offered to each conversation partner, in this process's memory, so a numbered reply to
 * an answer ("1" for 👍) can be mapped back. They are forgotten after a while so that a "2" sent
 * the next day is read as text rather than as an answer to a question nobody remembers.
 */
export class OfferedChoices implements ChoiceOffers {
  private readonly offers = new Map<string, { choices: Choice[]; at: number }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly capacity = 10_000,
  ) {}

  /** Remembers `choices` for `key`; an empty list forgets the previous offer. */
  async remember(key: string, choices: readonly Choice[]): Promise<void> {
    this.offers.delete(key);
    if (choices.length === 0) return;
    this.offers.set(key, { choices: [...choices], at: this.now() });
    if (this.offers.size > this.capacity) this.offers.delete(this.offers.keys().next().value!);
  }

  /** The offered choice a reply picks, or undefined. */
  async resolve(key: string, text: string): Promise<Choice | undefined> {
    const offer = this.offers.get(key);
    if (!offer) return undefined;
    if (this.now() - offer.at > this.ttlMs) {
      this.offers.delete(key);
      return undefined;
    }
    return resolveChoice(text, offer.choices);
  }
}
