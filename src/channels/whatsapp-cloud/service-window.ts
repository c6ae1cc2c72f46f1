import { hashUserId } from '../../logging/logger.js';

/** Meta's customer service window: free-form messages are allowed this long after the user's last message. */
export const SERVICE_WINDOW_MS = 24 * 3600_000;

/**
 * When each user last wrote, to know whether Netra may still send them a free-form message
 * (a report's status change, an admin notice) or needs an approved template. Kept in memory under
 * the keyed pseudonym, not the phone number; after a restart every window counts as closed,
 * which errs on the side Meta allows.
 */
export class ServiceWindow {
  private readonly lastInbound = new Map<string, number>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly capacity = 100_000,
  ) {}

  /** Records a message from `waId` sent at `sentAtMs` (never later than now). */
  touch(waId: string, sentAtMs: number): void {
    const key = hashUserId('whatsapp', waId);
    const at = Math.min(sentAtMs, this.now());
    if ((this.lastInbound.get(key) ?? 0) >= at) return;
    this.lastInbound.delete(key);
    this.lastInbound.set(key, at);
    // Oldest first out: a user who wrote long ago is outside the window anyway.
    if (this.lastInbound.size > this.capacity) this.lastInbound.delete(this.lastInbound.keys().next().value!);
  }

  /** True while `waId`'s last message is less than 24 hours old. */
  isOpen(waId: string): boolean {
    const at = this.lastInbound.get(hashUserId('whatsapp', waId));
    return at !== undefined && this.now() - at < SERVICE_WINDOW_MS;
  }
}
