import { setTimeout as sleep } from 'node:timers/promises';
import type { NetraDatabase } from './database.js';
import { isBusy, StorageUnavailableError, toStorageError } from './storage-errors.js';

export interface StorageWriterOptions {
  /** How long a write waits for another process's lock before it fails, in ms (STORAGE_LOCK_WAIT_MS). */
  lockWaitMs: number;
  /** Called when a best-effort write is finally given up (for the operator's log; no data in it). */
  onDropped?: (err: StorageUnavailableError) => void;
}

/** What the writer has seen lately, for /healthz. */
export interface WriterState {
  /** Writes waiting for a lock held by another process. */
  waiting: number;
  lastError?: { problem: StorageUnavailableError['problem']; code?: string; at: string };
}

/**
 * Writes to SQLite without freezing the event loop when another process holds the write lock.
 * better-sqlite3 is synchronous: with the usual 5 s busy_timeout every write would block every
 * channel for up to 5 s. The connection's busy_timeout is kept short (see database.ts); a write
 * that finds the database locked is retried after an asynchronous pause, so answers keep flowing
 * while reports wait, until `lockWaitMs` has passed. Writes run one after another, in order, each
 * in an IMMEDIATE transaction. Storage failures come out as {@link StorageUnavailableError}.
 */
export class StorageWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;
  private lastError: WriterState['lastError'];

  constructor(
    private readonly db: NetraDatabase,
    private readonly options: StorageWriterOptions,
  ) {}

  /** Runs `fn` in a write transaction, waiting (asynchronously) for a lock held elsewhere. */
  write<T>(fn: () => T): Promise<T> {
    const run = this.tail.then(
      () => this.attempt(fn),
      () => this.attempt(fn),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * For records that must not delay anyone (the question log): written at once when the
   * database is free, otherwise queued behind the lock and `undefined` is returned. A queued
   * write that finally fails is dropped and reported to `onDropped`; nothing is thrown.
   */
  writeSoon<T>(fn: () => T): T | undefined {
    if (this.waiting === 0) {
      try {
        return this.db.transaction(fn).immediate();
      } catch (err) {
        if (!isBusy(err)) throw this.remember(toStorageError(err) ?? err);
      }
    }
    this.write(fn).catch((err: unknown) => {
      const e = toStorageError(err);
      if (e) this.options.onDropped?.(e);
    });
    return undefined;
  }

  state(): WriterState {
    return { waiting: this.waiting, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  /** Resolves when every write queued so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.tail;
  }

  private async attempt<T>(fn: () => T): Promise<T> {
    const deadline = Date.now() + this.options.lockWaitMs;
    let pause = 10;
    let counted = false;
    try {
      for (;;) {
        try {
          return this.db.transaction(fn).immediate();
        } catch (err) {
          if (!isBusy(err) || Date.now() >= deadline) throw this.remember(toStorageError(err) ?? err);
        }
        if (!counted) {
          this.waiting += 1;
          counted = true;
        }
        await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
        pause = Math.min(pause * 2, 250);
      }
    } finally {
      if (counted) this.waiting -= 1;
    }
  }

  private remember(err: unknown): unknown {
    if (err instanceof StorageUnavailableError) {
      this.lastError = { problem: err.problem, ...(err.code ? { code: err.code } : {}), at: new Date().toISOString() };
    }
    return err;
  }
}
