/** `closed`: calls go through; `open`: no calls until the cooldown ends; `half_open`: one trial call is out. */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker (≥ 1). */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one trial through, in ms. */
  cooldownMs: number;
  now?: () => number;
}

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** When an open breaker lets the next trial call through (ISO), if open. */
  retryAt?: string;
}

/**
 * Stops calling an endpoint that keeps failing (hanging, 429, 5xx, refused): after
 * `failureThreshold` failures in a row it opens for `cooldownMs` (longer when the server asked for
 * it with Retry-After), then lets one trial call through; that call's outcome closes or re-opens
 * it. While open, the caller answers without the endpoint at once instead of waiting for it.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when a call may be made now. In `half_open` only the one trial call is allowed. */
  tryAcquire(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && this.now() >= this.openUntil) {
      this.state = 'half_open';
      return true;
    }
    return false;
  }

  /** The call succeeded: the endpoint works again. */
  success(): void {
    this.state = 'closed';
    this.failures = 0;
  }

  /** The call failed. `retryAfterMs` (from a 429's Retry-After) keeps it open at least that long. */
  failure(retryAfterMs?: number): void {
    this.failures += 1;
    if (this.state === 'half_open' || this.failures >= this.options.failureThreshold || retryAfterMs !== undefined) {
      this.state = 'open';
      this.openUntil = this.now() + Math.max(this.options.cooldownMs, retryAfterMs ?? 0);
    }
  }

  snapshot(): BreakerSnapshot {
    const open = this.state === 'open';
    return {
      state: this.state,
      consecutiveFailures: this.failures,
      ...(open ? { retryAt: new Date(this.openUntil).toISOString() } : {}),
    };
  }
}
