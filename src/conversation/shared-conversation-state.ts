import { randomBytes } from 'node:crypto';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import type { SharedChatState } from '../storage/shared-chat-state.js';
import { type ChoiceOffers, resolveChoice } from './choice-resolver.js';
import { type ChoiceTokens, newChoiceToken } from './choice-tokens.js';
import type { ConversationMemory, MemoryEntry } from './conversation-memory.js';
import type { FullAnswerLinks } from './full-answer-links.js';
import type { Choice, IncomingMessage, OutgoingMessage } from './messages.js';
import type { FloodVerdict } from './rate-limiter.js';
import type { LimitVerdict } from './request-limiter.js';

/** How long the reply to a delivered message is kept for a redelivery: Telegram keeps an update 24 hours. */
const REPLIES_TTL_MS = 24 * 3600_000;
/** Offered options expire like in memory: a "2" the next day is text, not a choice. */
export const OFFER_TTL_MS = 30 * 60_000;
/** Full-answer links of group answers are followed soon or never. */
const ANSWER_LINK_TTL_MS = 7 * 24 * 3600_000;
/** A button with a long choice id (a follow-up question) is pressed soon or never, like a full-answer link. */
export const CHOICE_TOKEN_TTL_MS = 7 * 24 * 3600_000;

/**
 * What the conversation shares with other workers when a shared store is configured
 * (PostgreSQL): the per-chat lock, the follow-up memory (sealed, under a keyed hash of the
 * conversation), the per-user rate limit, the replies to delivered messages, the numbered options
 * offered last, the full-answer links of group answers and the tokens of long button data. Every method degrades to this worker
 * alone when the store fails — a chat is still answered — and logs the failure without any chat data.
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

  /**
   * A shared fixed-window counter for request limits (the HTTP API's per-address and per-token
   * limits): `limit` requests of `key` per window of `windowMs` across all workers. Undefined when
   * the store failed (the caller then counts in this worker alone).
   */
  async count(key: string, limit: number, windowMs: number): Promise<LimitVerdict | undefined> {
    const t = this.now();
    const start = Math.floor(t / windowMs) * windowMs;
    try {
      const hits = await this.state.countHit(hashUserId('limit', key), new Date(start).toISOString());
      return hits <= limit ? { allowed: true } : { allowed: false, retryAfterMs: start + windowMs - t };
    } catch (err) {
      this.logger.warn({ event: 'shared_limit_failed', err: (err as Error).name }, 'shared request limit unavailable: counted by this worker alone');
      return undefined;
    }
  }

  /**
   * The replies some worker already gave to this delivery of `msg` (a message the platform
   * delivers again because the worker handling it died before acknowledging it), or undefined
   * when it was not handled yet, has no delivery id, or the store cannot tell.
   */
  async recordedReplies(msg: IncomingMessage): Promise<OutgoingMessage[] | undefined> {
    if (msg.deliveryId === undefined) return undefined;
    const hash = deliveryHash(msg);
    try {
      const stored = await this.state.loadReplies(hash);
      if (stored === undefined) return undefined;
      const replies: unknown = JSON.parse(this.sealer.open(stored, `replies:${hash}`));
      if (!Array.isArray(replies)) return undefined;
      this.logger.info({ event: 'redelivered_message_replayed', channel: msg.channel }, 'message delivered again: the recorded reply is sent again');
      return replies as OutgoingMessage[];
    } catch (err) {
      this.logger.warn({ event: 'shared_replies_read_failed', err: (err as Error).name }, 'recorded replies not read');
      return undefined;
    }
  }

  /** Records the replies to this delivery of `msg` for a redelivery (see {@link recordedReplies}). */
  async recordReplies(msg: IncomingMessage, replies: OutgoingMessage[]): Promise<void> {
    if (msg.deliveryId === undefined) return;
    const hash = deliveryHash(msg);
    try {
      await this.state.saveReplies(hash, this.sealer.seal(JSON.stringify(replies), `replies:${hash}`), new Date(this.now()).toISOString());
    } catch (err) {
      this.logger.warn({ event: 'shared_replies_write_failed', err: (err as Error).name }, 'replies not recorded');
    }
  }

  /**
   * The numbered options shared across workers, so "2" means the same whichever worker receives
   * it; `local` keeps working (and is used) while the store fails.
   */
  choiceOffers(local: ChoiceOffers): ChoiceOffers {
    const hashOf = (key: string) => hashUserId('offer', key);
    return {
      remember: async (key, choices) => {
        await local.remember(key, choices);
        const hash = hashOf(key);
        try {
          const sealed = choices.length === 0 ? undefined : this.sealer.seal(JSON.stringify(choices), `offer:${hash}`);
          await this.state.saveOffer(hash, sealed, new Date(this.now()).toISOString());
        } catch (err) {
          this.logger.warn({ event: 'shared_offer_write_failed', err: (err as Error).name }, 'offered options not shared');
        }
      },
      resolve: async (key, text) => {
        const hash = hashOf(key);
        try {
          const stored = await this.state.loadOffer(hash, new Date(this.now() - OFFER_TTL_MS).toISOString());
          if (stored === undefined) return undefined;
          return resolveChoice(text, JSON.parse(this.sealer.open(stored, `offer:${hash}`)) as Choice[]);
        } catch (err) {
          this.logger.warn({ event: 'shared_offer_read_failed', err: (err as Error).name }, 'shared offered options not read');
          return local.resolve(key, text);
        }
      },
    };
  }

  /**
   * Full-answer links ("Selengkapnya di chat pribadi") shared across workers, so the private chat
   * opens the answer whichever worker gave the group its brief; `local` is used while the store fails.
   */
  answerLinks(local: FullAnswerLinks): FullAnswerLinks {
    const hashOf = (token: string) => hashUserId('answer-link', token);
    return {
      add: async (question) => {
        const token = randomBytes(6).toString('hex');
        const hash = hashOf(token);
        try {
          await this.state.saveAnswerLink(hash, this.sealer.seal(question, `answer-link:${hash}`), new Date(this.now()).toISOString());
          return token;
        } catch (err) {
          this.logger.warn({ event: 'shared_answer_link_write_failed', err: (err as Error).name }, 'full-answer link kept by this worker only');
          return local.add(question);
        }
      },
      get: async (token) => {
        const hash = hashOf(token);
        try {
          const stored = await this.state.loadAnswerLink(hash);
          if (stored !== undefined) return this.sealer.open(stored, `answer-link:${hash}`);
        } catch (err) {
          this.logger.warn({ event: 'shared_answer_link_read_failed', err: (err as Error).name }, 'shared full-answer link not read');
        }
        return local.get(token);
      },
    };
  }

  /**
   * Tokens of long choice ids (Telegram button data) shared across workers, so a button drawn by
   * one worker works when the press reaches another. The token is random, the id sealed under
   * it; after {@link CHOICE_TOKEN_TTL_MS} the button has expired. `local` is used while the store fails.
   */
  choiceTokens(local: ChoiceTokens): ChoiceTokens {
    return {
      tokenFor: async (id) => {
        const token = newChoiceToken();
        try {
          await this.state.saveChoiceToken(token, this.sealer.seal(id, `choice-token:${token}`), new Date(this.now()).toISOString());
          return token;
        } catch (err) {
          this.logger.warn({ event: 'shared_choice_token_write_failed', err: (err as Error).name }, 'button token kept by this worker only');
          return local.tokenFor(id);
        }
      },
      idOf: async (token) => {
        try {
          const stored = await this.state.loadChoiceToken(token, new Date(this.now() - CHOICE_TOKEN_TTL_MS).toISOString());
          if (stored !== undefined) return this.sealer.open(stored, `choice-token:${token}`);
        } catch (err) {
          this.logger.warn({ event: 'shared_choice_token_read_failed', err: (err as Error).name }, 'shared button token not read');
        }
        return local.idOf(token);
      },
    };
  }

  /** Deletes expired memory, counters, replies, offers, links and button tokens (run periodically). */
  async sweep(memoryTtlMs: number, windowMs: number): Promise<void> {
    const t = this.now();
    const before = (ms: number) => new Date(t - ms).toISOString();
    await this.state.sweep({
      memory: before(memoryTtlMs),
      counters: before(2 * windowMs),
      replies: before(REPLIES_TTL_MS),
      offers: before(OFFER_TTL_MS),
      answerLinks: before(ANSWER_LINK_TTL_MS),
      choiceTokens: before(CHOICE_TOKEN_TTL_MS),
      seenMessages: before(7 * 24 * 3600_000),
      windows: before(2 * 24 * 3600_000),
    });
  }
}

/** One delivery of one message: the platform's delivery id within the chat. */
function deliveryHash(msg: IncomingMessage): string {
  return hashUserId('delivery', `${msg.channel}:${msg.chatId}:${msg.deliveryId}`);
}

function memoryHash(key: string): string {
  return hashUserId('memory', key);
}
