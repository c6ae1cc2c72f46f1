import type { Message } from 'grammy/types';

/** How long to wait for the next photo of an album before handing it on (ms). */
export const DEFAULT_ALBUM_QUIET_MS = 700;

/**
 * Telegram sends an album (several photos or files sent together) as one update per item, each
 * with the same `media_group_id`, all within a few hundred milliseconds. This gathers them so the
 * conversation gets the album as one message and the reporter one acknowledgement, not three.
 */
export class AlbumCollector {
  private readonly pending = new Map<string, { messages: Message[]; timer: NodeJS.Timeout; done: (album: Message[]) => void }>();

  constructor(private readonly quietMs = DEFAULT_ALBUM_QUIET_MS) {}

  /**
   * For the first item of an album: resolves with every item once no new one has arrived for
   * `quietMs`. For a later item: resolves with undefined at once (it was added to the first).
   */
  collect(message: Message): Promise<Message[] | undefined> {
    const key = `${message.chat.id}:${message.media_group_id}`;
    const open = this.pending.get(key);
    if (open) {
      open.messages.push(message);
      open.timer.refresh();
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const entry = {
        messages: [message],
        timer: setTimeout(() => {
          this.pending.delete(key);
          entry.done(entry.messages.sort((a, b) => a.message_id - b.message_id));
        }, this.quietMs),
        done: resolve,
      };
      this.pending.set(key, entry);
    });
  }
}
