/**
 * A bounded line for answers: at most `concurrency` are computed at once, at most `queue` wait,
 * and anything beyond is refused at once (503) instead of piling up sockets and memory. Cheap
 * routes such as /healthz do not enter it, so probes keep getting answers under load.
 */
export class AnswerGate {
  private running = 0;
  private admitted = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Takes a place in line; false when the line is full. Pair with {@link leave}. */
  tryEnter(): boolean {
    if (this.admitted >= this.concurrency + this.queue) return false;
    this.admitted++;
    return true;
  }

  /**
   * Resolves when it is this request's turn to compute, always on a later turn of the event loop:
   * an offline answer has no real I/O inside and finishes synchronously, so a burst of requests
   * read in one poll phase would otherwise be answered one after another in that same phase,
   * and /healthz (or any new connection) would wait for all of them.
   */
  turn(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return new Promise((resolve) => setImmediate(resolve));
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Gives the place back (after {@link turn} resolved, or when the request failed before it). */
  leave(): void {
    this.admitted--;
    const next = this.waiting.shift();
    // Hand over on the next turn of the event loop too (see turn()).
    if (next) setImmediate(next);
    else this.running = Math.max(0, this.running - 1);
  }

  /** Requests admitted now (computing or waiting). */
  get size(): number {
    return this.admitted;
  }
}
