import type { ChannelName, Notifier } from './messages.js';

/**
 * Where out-of-band messages go (a report's status change to its reporter, a new report to
 * the admin chat). Channels register themselves when they start; a message for a channel
 * that is not running is dropped and counted as undelivered, never thrown.
 */
export class NotifierRegistry {
  private readonly notifiers = new Map<ChannelName, Notifier>();

  register(notifier: Notifier): void {
    this.notifiers.set(notifier.channel, notifier);
  }

  /** The channels that are connected now (for health checks). */
  channels(): ChannelName[] {
    return [...this.notifiers.keys()];
  }

  unregister(channel: ChannelName): void {
    this.notifiers.delete(channel);
  }

  /** Sends `text` to `chatId` on `channel`; resolves false when that channel is not running or sending failed. */
  async send(channel: ChannelName, chatId: string, text: string): Promise<boolean> {
    const notifier = this.notifiers.get(channel);
    if (!notifier) return false;
    try {
      await notifier.send(chatId, text);
      return true;
    } catch {
      return false;
    }
  }
}
