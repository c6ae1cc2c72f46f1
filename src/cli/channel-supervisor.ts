import type { Logger } from '../logging/logger.js';
import type { ChannelStatus } from '../observability/channel-status.js';

/** A started channel, as the supervisor needs it. */
export interface SupervisedHandle {
  stop(): Promise<void>;
  /** Resolves when the channel stops by itself (Telegram polling ended); it is then started again. */
  failed?: Promise<Error>;
}

export interface SupervisorOptions {
  name: string;
  start: () => Promise<SupervisedHandle>;
  status: ChannelStatus;
  logger: Logger;
  /** The channel reports its own state once started (WhatsApp: waiting for pairing, connected). */
  selfReported?: boolean;
  /** First pause before a new attempt; it doubles up to `maxMs`. */
  baseMs?: number;
  maxMs?: number;
}

/**
 * Starts one channel and keeps it started, independently of the others: a failed start (Telegram
 * unreachable at boot, a port in use) is logged, shown in `/healthz` as `retrying`, and tried
 * again with growing pauses (5 s up to 5 min), while the other channels serve. A channel that
 * stops by itself later is restarted the same way.
 */
export class ChannelSupervisor {
  private handle: SupervisedHandle | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private stopped = false;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(private readonly options: SupervisorOptions) {
    this.baseMs = options.baseMs ?? 5_000;
    this.maxMs = options.maxMs ?? 5 * 60_000;
  }

  /** The first attempt; resolves once it has succeeded or failed (never rejects). */
  async start(): Promise<void> {
    const { name, status, logger } = this.options;
    if (this.stopped) return;
    status.set(name, 'starting');
    try {
      const handle = await this.options.start();
      if (this.stopped) {
        await handle.stop().catch(() => undefined);
        return;
      }
      this.handle = handle;
      this.attempt = 0;
      if (!this.options.selfReported) status.set(name, 'running');
      logger.info({ channel: name }, `${name} channel started`);
      void handle.failed?.then((err) => {
        if (this.stopped || this.handle !== handle) return;
        this.handle = undefined;
        logger.error({ channel: name, err: err.message }, `${name} channel stopped by itself; starting it again`);
        void handle.stop().catch(() => undefined);
        this.retry(err.message);
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.error({ channel: name, err: message }, `${name} channel failed to start; the other channels keep running`);
      this.retry(message);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await handle.stop();
    this.options.status.set(this.options.name, 'stopped');
  }

  private retry(reason: string): void {
    if (this.stopped) return;
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    this.options.status.set(this.options.name, 'retrying', `${reason} (mencoba lagi dalam ${Math.round(delay / 1000)} detik)`);
    this.timer = setTimeout(() => void this.start(), delay);
    this.timer.unref();
  }
}
