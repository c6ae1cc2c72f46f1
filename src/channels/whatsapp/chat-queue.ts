/**
 * One promise chain per chat: messages of one chat are handled in the order they arrived,
 * while a slow answer in one chat never delays any other chat.
 */
export class ChatQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `task` after every earlier task of `key`; a failing task does not break the chain. */
  enqueue(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task).catch(() => undefined);
    this.tails.set(key, next);
    void next.then(() => {
      // Only the last task of a chat removes the entry, so idle chats do not accumulate.
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
    return next;
  }

  /** Resolves when every queued task has finished (used on shutdown). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** Number of chats with work in flight. */
  get size(): number {
    return this.tails.size;
  }
}
