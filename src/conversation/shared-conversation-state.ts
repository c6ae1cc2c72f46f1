import { hashUserId, type Logger } from '../logging/logger.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import type { SharedChatState } from '../storage/shared-chat-state.js';
import type { ConversationMemory, MemoryEntry } from './conversation-memory.js';
import type { FloodVerdict } from './rate-limiter.js';

/**
 * What the conversation shares with other workers when a shared store is configured
 * (PostgreSQL): the per-chat lock, the follow-up memory (sealed, under a keyed hash of the
 * conversation) and the per-user rate limit. Every method degrades to this worker alone when the
 * store fails — a chat is still answered — and logs the failure without any chat data.
 */
export class SharedConversationState {
  constructor(
    private readonly state: SharedChatState,
    private readonly sealer: FieldSealer,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `task` holding the chat's lock across workers (see SharedChatState.withLock). */
  async inOrder<T>(channel: string, chatId: string, task: () => Promise<T>): Promise<T> {
    let started = false;
    try {
      return await this.state.withLock(hashUserId(`lock:${channel}`, chatId), () => {
        started = true;
        return task();
      });
    } catch (err) {
      if (started) throw err;
      this.logger.warn({ event: 'chat_lock_failed', err: (err as Error).name }, 'shared chat lock unavailable: handled by this worker alone');
      return task();
    }
  }

  /** Loads the conversation's memory saved by any worker into `memory`. */
  async pull(memory: ConversationMemory, key: string): Promise<void> {
    const hash = memoryHash(key);
    try {
      const stored = await this.state.loadMemory(hash, new Date(this.now() - memory.ttl).toISOString());
      if (stored) memory.restore(key, JSON.parse(this.sealer.open(stored, `memory:${hash}`)) as MemoryEntry);
    } catch (err) {
      this.logger.warn({ event: 'shared_memory_read_failed', err: (err as Error).name }, 'shared conversation memory not read');
    }
  }

  /** Saves the conversation's memory for the other workers. */
  async push(memory: ConversationMemory, key: string): Promise<void> {
    const entry = memory.snapshot(key);
    if (!entry) return;
    const hash = memoryHash(key);
    try {
      await this.state.saveMemory(hash, this.sealer.seal(JSON.stringify(entry), `memory:${hash}`), new Date(entry.at).toISOString());
    } catch (err) {
      this.logger.warn({ event: 'shared_memory_write_failed', err: (err as Error).name }, 'shared conversation memory not saved');
    }
  }

  /**
   * The shared rate limit: `limit` messages per user per fixed window of `windowMs`, counted
   * across all workers; the first refused message of a window gets the notice, the rest nothing.
   * Undefined when the store failed (the caller then uses its own in-memory limiter).
   */
  async flood(key: string, limit: number, windowMs: number): Promise<FloodVerdict | undefined> {
    const start = Math.floor(this.now() / windowMs) * windowMs;
    try {
      const hits = await this.state.countHit(hashUserId('rate', key), new Date(start).toISOString());
      return hits <= limit ? 'allow' : hits === limit + 1 ? 'notify' : 'silent';
    } catch (err) {
      this.logger.warn({ event: 'shared_rate_limit_failed', err: (err as Error).name }, 'shared rate limit unavailable: counted by this worker alone');
      return undefined;
    }
  }

  /** Deletes expired memory and old counters (run periodically). */
  async sweep(memoryTtlMs: number, windowMs: number): Promise<void> {
    const t = this.now();
    await this.state.sweep(new Date(t - memoryTtlMs).toISOString(), new Date(t - 2 * windowMs).toISOString());
  }
}

function memoryHash(key: string): string {
  return hashUserId('memory', key);
}
