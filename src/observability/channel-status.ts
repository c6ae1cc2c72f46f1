/**
 * The state of each configured channel, for `/healthz`: a channel that cannot start (Telegram
 * unreachable, Chromium missing) is reported here while the others keep serving.
 */
export type ChannelState = 'starting' | 'running' | 'retrying' | 'failed' | 'stopped';

export interface ChannelStateEntry {
  state: ChannelState;
  /** ISO instant of the last change. */
  since: string;
  /** What went wrong, in words an operator can act on (never a token or a user id). */
  detail?: string;
}

export class ChannelStatus {
  private readonly entries = new Map<string, ChannelStateEntry>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  set(channel: string, state: ChannelState, detail?: string): void {
    this.entries.set(channel, { state, since: this.now().toISOString(), ...(detail ? { detail } : {}) });
  }

  /** Every configured channel with its state. */
  snapshot(): Record<string, ChannelStateEntry> {
    return Object.fromEntries(this.entries);
  }

  /** True when every configured channel is running (or none is configured). */
  allRunning(): boolean {
    return [...this.entries.values()].every((e) => e.state === 'running');
  }
}
