/** How long a private chat's burst of media waits for its next file before it is handed on (ms). */
export const DEFAULT_MEDIA_BURST_QUIET_MS = 700;

/**
 * WhatsApp has no albums: photos picked together arrive as separate messages within a moment of
 * each other. This gathers a chat's media messages until none has come for `quietMs`, so the
 * reporting flow gets them as one message and the reporter one acknowledgement, not three.
 *
 * Delivery is synchronous (from the timer, or from {@link flush}), so a text the chat sends right
 * after its photos can be queued behind them: call `flush(key)` before queueing it.
 */
export class MediaBurst<T> {
  private readonly open = new Map<string, { items: T[]; timer: NodeJS.Timeout; deliver: (items: T[]) => void }>();

  constructor(private readonly quietMs = DEFAULT_MEDIA_BURST_QUIET_MS) {}

  /** Adds `item` to the chat's burst, starting one (delivered later through `deliver`) when none is open. */
  add(key: string, item: T, deliver: (items: T[]) => void): void {
    const burst = this.open.get(key);
    if (burst) {
      burst.items.push(item);
      burst.timer.refresh();
      return;
    }
    const timer = setTimeout(() => this.flush(key), this.quietMs);
    this.open.set(key, { items: [item], timer, deliver });
  }

  /** Hands on the chat's open burst now, if there is one. */
  flush(key: string): void {
    const burst = this.open.get(key);
    if (!burst) return;
    this.open.delete(key);
    clearTimeout(burst.timer);
    burst.deliver(burst.items);
  }

  /** Hands on every open burst (when the channel stops). */
  flushAll(): void {
    for (const key of [...this.open.keys()]) this.flush(key);
  }
}
