import type { Turn } from '../answer/pipeline.js';
import type { Language } from './messages.js';

/** What is remembered of one conversation (JSON-safe: it is what a shared store saves). */
export interface MemoryEntry {
  at: number;
  /** The pipeline's own turns, handed back as they came; never built here. */
  turns: Turn[];
  /** The last question asked, as typed (offered as a report's description). */
  lastQuestion?: string;
  language: Language;
}

/**
 * A short per-conversation memory so a follow-up ("kalau cuma like saja?") is read with the
 * question before it, shared by every channel and the HTTP API. Kept in memory only: an entry
 * expires after half an hour and holds three turns, and at most `capacity` conversations are
 * kept — the least recently used go first — so distinct conversation ids cannot grow it forever.
 */
export class ConversationMemory {
  private readonly entries = new Map<string, MemoryEntry>();

  constructor(
    private readonly capacity = 10_000,
    private readonly ttlMs = 30 * 60_000,
    private readonly maxTurns = 3,
    private readonly now: () => number = Date.now,
  ) {}

  /** The recent turns of `key`, oldest first (empty when unknown or expired). */
  recent(key: string): Turn[] {
    return this.live(key)?.turns ?? [];
  }

  /** The language of the conversation's last answer (Indonesian by default). */
  language(key: string): Language {
    return this.live(key)?.language ?? 'id';
  }

  /** The last question asked in the conversation, if it is still remembered. */
  lastQuestion(key: string): string | undefined {
    return this.live(key)?.lastQuestion;
  }

  remember(key: string, turn: Turn, details: { question: string; language: Language }): void {
    const turns = [...this.recent(key), turn].slice(-this.maxTurns);
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), turns, lastQuestion: details.question, language: details.language });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The live entry of `key` as it is, for a shared store to save (undefined when unknown or expired). */
  snapshot(key: string): MemoryEntry | undefined {
    const entry = this.live(key);
    return entry ? { ...entry, turns: [...entry.turns] } : undefined;
  }

  /** Puts an entry saved by another worker in place of this worker's own (newer wins). */
  restore(key: string, entry: MemoryEntry): void {
    const own = this.entries.get(key);
    if (own && own.at > entry.at) return;
    if (this.now() - entry.at > this.ttlMs) return;
    this.entries.delete(key);
    this.entries.set(key, { ...entry, turns: entry.turns.slice(-this.maxTurns) });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** How long an entry lives, in ms. */
  get ttl(): number {
    return this.ttlMs;
  }

  /** Conversations held now (for the bench and tests). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): MemoryEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    // Reading counts as use: move to the young end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }
}
