import type { Turn } from '../answer/pipeline.js';

/**
 * A short per-conversation memory so a follow-up ("kalau cuma like saja?") is read with the
 * question before it. Kept in memory only: it expires after half an hour and holds three turns.
 */
export class ConversationMemory {
  private readonly turns = new Map<string, { at: number; turns: Turn[] }>();

  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly maxTurns = 3,
    private readonly now: () => number = Date.now,
  ) {}

  recent(key: string): Turn[] {
    const entry = this.turns.get(key);
    if (!entry || this.now() - entry.at > this.ttlMs) return [];
    return entry.turns;
  }

  remember(key: string, turn: Turn): void {
    const turns = [...this.recent(key), turn].slice(-this.maxTurns);
    this.turns.set(key, { at: this.now(), turns });
    if (this.turns.size > 5000) {
      for (const [k, v] of this.turns) if (this.now() - v.at > this.ttlMs) this.turns.delete(k);
    }
  }
}
