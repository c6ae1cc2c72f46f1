/**
 * One promise chain per key: tasks of one chat run in the order they arrived, while a slow task
 * in one chat never delays another. The conversation orders every message of a chat with it
 * (an album's photos, a reporter's quick answers) and the WhatsApp adapter its sends.
 */
export class PerChatOrder {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key`; a failing task does not break the chain. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      // Only the last task of a key removes the entry, so idle chats do not accumulate.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves when every queued task has finished (used on shutdown). */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }

  /** Number of keys with work in flight. */
  get size(): number {
    return this.tails.size;
  }
}
