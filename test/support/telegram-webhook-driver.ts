import { createHash } from 'node:crypto';
import type { Chat, Message, Update, User } from 'grammy/types';
import { detectEntities, type FakeTelegramApi } from './fake-telegram-api.js';

/** A webhook endpoint behind the load balancer. */
export interface WebhookTarget {
  name: string;
  url: string;
}

/** What happened to one update until a worker acknowledged it. */
export interface Delivery {
  updateId: number;
  /** The workers it was posted to, in order; more than one when a delivery failed and was retried. */
  workers: string[];
}

/** What a user does in a chat: writes a text, or presses a button (callback data) under the bot's last message. */
export type UserAction = { text: string } | { press: string };

/**
 * Plays Telegram's webhook delivery and a round-robin load balancer in front of several workers:
 * each update is POSTed to the next live worker with the secret token header; a delivery that
 * gets no 200 (a connection reset by a killed worker, a 5xx) is retried on the next live worker,
 * as Telegram retries an unacknowledged webhook. Like Telegram's Bot API server, the updates of
 * one chat are delivered one after another (the next once the previous was acknowledged; the
 * caller awaits {@link deliver}), different chats concurrently.
 */
export class WebhookDriver {
  private readonly dead = new Set<string>();
  private readonly pending = new Map<string, number>();
  private turn = 0;
  private nextUpdateId = 500_000;
  private nextMessageId = 900_000;
  /** Every acknowledged delivery, in acknowledgement order. */
  readonly acknowledged: Delivery[] = [];
  private readonly secret: string;

  constructor(
    private readonly fake: FakeTelegramApi,
    private readonly targets: readonly WebhookTarget[],
    token: string,
  ) {
    // The worker derives the same secret from its token (telegram-bot.ts).
    this.secret = createHash('sha256').update(`netra:telegram-webhook:${token}`).digest('hex');
  }

  /** The load balancer's health check failed: no more deliveries go to `name`. */
  markDead(name: string): void {
    this.dead.add(name);
  }

  /** Deliveries posted to `name` and not answered yet. */
  inFlight(name: string): number {
    return this.pending.get(name) ?? 0;
  }

  /** Builds the update for `action` by `from` in `chat`. */
  update(chat: Chat, from: User, action: UserAction): Update {
    const updateId = this.nextUpdateId++;
    if ('press' in action) {
      // The user presses a button under the bot's latest message in that chat.
      const message = this.fake.sentMessages(chat.id).at(-1);
      if (!message) throw new Error(`no bot message to press ${action.press} under in chat ${chat.id}`);
      return { update_id: updateId, callback_query: { id: `cb${updateId}`, from, chat_instance: `ci${chat.id}`, data: action.press, message } } as Update;
    }
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      text: action.text,
      entities: detectEntities(action.text),
    } as Message;
    return { update_id: updateId, message } as Update;
  }

  /**
   * Delivers `update` until a worker answers 200. Gives up (throws) only after `maxAttempts`,
   * which in a healthy run never happens: a deadlock guard, not a timing assertion.
   */
  async deliver(update: Update, maxAttempts = 8): Promise<Delivery> {
    const delivery: Delivery = { updateId: update.update_id, workers: [] };
    const body = JSON.stringify(update);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const live = this.targets.filter((t) => !this.dead.has(t.name));
      if (live.length === 0) throw new Error('no live worker left');
      const target = live[this.turn++ % live.length]!;
      delivery.workers.push(target.name);
      this.pending.set(target.name, this.inFlight(target.name) + 1);
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': this.secret },
          body,
          signal: AbortSignal.timeout(60_000),
        });
        await res.arrayBuffer();
        if (res.status === 200) {
          this.acknowledged.push(delivery);
          return delivery;
        }
      } catch {
        // Connection refused or reset: the worker is gone. Telegram retries after a pause.
      } finally {
        this.pending.set(target.name, this.inFlight(target.name) - 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`update ${update.update_id} not acknowledged after ${maxAttempts} attempts (${delivery.workers.join(', ')})`);
  }
}
