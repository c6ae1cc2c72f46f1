/**
 * Message ids already taken in, so a notification Meta delivers again (after a slow or lost 200)
 * is not answered twice. Bounded: the oldest ids go first; Meta redelivers within hours, not after
 * tens of thousands of messages.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 50_000) {}

  /** True the first time `id` is seen, false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
