import fs from 'node:fs';
import path from 'node:path';
import type { StorageProblem } from './storage-errors.js';
import { toStorageError } from './storage-errors.js';
import type { StorageWriter } from './storage-writer.js';

/** What withEvidenceProbe needs of an evidence store (reporting's EvidenceBlobs). */
export interface ProbedEvidenceStore {
  readonly kind: 'dir' | 's3';
  probe(): Promise<void>;
}

/** What /healthz shows about storage. `ok` false means reports cannot be saved right now. */
export interface StorageHealth {
  ok: boolean;
  state: 'ok' | StorageProblem;
  /** Free space for Netra's user in the data directory, in bytes (when the platform says). */
  freeBytes?: number;
  /** Writes waiting for a lock held by another process. */
  waitingWrites: number;
  /** The last storage failure a write met (any age), for the operator. */
  lastError?: { problem: StorageProblem; code?: string; at: string };
  /** Whether evidence files can be stored: the directory or the S3 bucket (see withEvidenceProbe). */
  evidence?: EvidenceHealth;
  checkedAt: string;
}

/** The evidence store's part of {@link StorageHealth}. */
export interface EvidenceHealth {
  store: 'dir' | 's3';
  state: 'ok' | StorageProblem;
  /** e.g. `S3:SignatureDoesNotMatch`, `S3:503`, `EROFS`; never a key. */
  code?: string;
  /** When the last look answered; absent until the first one has. */
  checkedAt?: string;
}

/** Below this much free space, writes are about to fail: reported as `disk_full`. */
export const MIN_FREE_BYTES = 1024 * 1024;

export interface StorageProbe {
  /** A fresh (at most `cacheMs` old) look at the data directory and the database. Never throws. */
  health(): StorageHealth;
}

/**
 * The storage probe behind `/healthz` (export of {@link StorageProbe} on the app as
 * `app.storage`): can the data directory and the database file be written, is there space, is a
 * write waiting for another process's lock. It writes and removes a tiny probe file, so a
 * read-only mount is seen before a reporter's answers are lost. Cached for `cacheMs` so a busy
 * health check costs nothing.
 */
export function createStorageProbe(options: { dataDir: string; databasePath: string; writer: StorageWriter; cacheMs?: number }): StorageProbe {
  let cached: { at: number; value: StorageHealth } | undefined;
  const cacheMs = options.cacheMs ?? 2000;
  return {
    health() {
      const now = Date.now();
      if (cached && now - cached.at < cacheMs) return cached.value;
      const value = probe(options.dataDir, options.databasePath, options.writer);
      cached = { at: now, value };
      return value;
    },
  };
}

function probe(dataDir: string, databasePath: string, writer: StorageWriter): StorageHealth {
  const writerState = writer.state();
  let state: StorageHealth['state'] = 'ok';
  let freeBytes: number | undefined;
  try {
    const stats = fs.statfsSync(dataDir);
    freeBytes = Number(stats.bavail) * Number(stats.bsize);
  } catch {
    freeBytes = undefined;
  }
  const probeFile = path.join(dataDir, `.write-probe-${process.pid}`);
  try {
    fs.writeFileSync(probeFile, 'ok', { mode: 0o600 });
    fs.rmSync(probeFile, { force: true });
    fs.accessSync(databasePath, fs.constants.W_OK);
  } catch (err) {
    state = toStorageError(err)?.problem ?? 'unavailable';
  }
  if (state === 'ok' && freeBytes !== undefined && freeBytes < MIN_FREE_BYTES) state = 'disk_full';
  if (state === 'ok' && writerState.waiting > 0) state = 'locked';
  return {
    ok: state === 'ok',
    state,
    ...(freeBytes !== undefined ? { freeBytes } : {}),
    waitingWrites: writerState.waiting,
    ...(writerState.lastError ? { lastError: writerState.lastError } : {}),
    checkedAt: new Date().toISOString(),
  };
}

/**
 * The storage probe with PostgreSQL: the data directory (evidence files) is checked as for SQLite;
 * the database by a tiny query run in the background, its last result reported (health() never
 * waits for the network). Until the first ping has answered, the database counts as ok.
 */
export function createPostgresProbe(options: { dataDir: string; ping: () => Promise<void>; cacheMs?: number }): StorageProbe {
  const cacheMs = options.cacheMs ?? 2000;
  let lastPing = 0;
  let dbState: StorageHealth['state'] = 'ok';
  let lastError: StorageHealth['lastError'];
  let cached: { at: number; value: StorageHealth } | undefined;
  const ping = () => {
    lastPing = Date.now();
    options.ping().then(
      () => {
        dbState = 'ok';
      },
      (err: unknown) => {
        const e = toStorageError(err);
        dbState = e?.problem ?? 'unavailable';
        lastError = { problem: dbState, ...(e?.code ? { code: e.code } : {}), at: new Date().toISOString() };
      },
    );
  };
  return {
    health() {
      const now = Date.now();
      if (now - lastPing >= cacheMs) ping();
      if (cached && now - cached.at < cacheMs) return cached.value;
      let state: StorageHealth['state'] = 'ok';
      let freeBytes: number | undefined;
      try {
        const stats = fs.statfsSync(options.dataDir);
        freeBytes = Number(stats.bavail) * Number(stats.bsize);
      } catch {
        freeBytes = undefined;
      }
      const probeFile = path.join(options.dataDir, `.write-probe-${process.pid}`);
      try {
        fs.writeFileSync(probeFile, 'ok', { mode: 0o600 });
        fs.rmSync(probeFile, { force: true });
      } catch (err) {
        state = toStorageError(err)?.problem ?? 'unavailable';
      }
      if (state === 'ok' && freeBytes !== undefined && freeBytes < MIN_FREE_BYTES) state = 'disk_full';
      if (state === 'ok') state = dbState;
      const value: StorageHealth = {
        ok: state === 'ok',
        state,
        ...(freeBytes !== undefined ? { freeBytes } : {}),
        waitingWrites: 0,
        ...(lastError ? { lastError } : {}),
        checkedAt: new Date().toISOString(),
      };
      cached = { at: now, value };
      return value;
    },
  };
}

/**
 * Adds the evidence store to a storage probe: a directory is looked at every 2 s, an S3 bucket
 * every 15 s (one ListObjectsV2 of one key), in the background, so health() never waits for the
 * network. While the store fails, `ok` is false: a report's files cannot be saved. Until the
 * first look has answered, the store counts as ok.
 */
export function withEvidenceProbe(inner: StorageProbe, store: ProbedEvidenceStore, options: { intervalMs?: number } = {}): StorageProbe {
  const intervalMs = options.intervalMs ?? (store.kind === 's3' ? 15_000 : 2000);
  let last = 0;
  let inFlight = false;
  let evidence: EvidenceHealth = { store: store.kind, state: 'ok' };
  const look = () => {
    last = Date.now();
    inFlight = true;
    store.probe().then(
      () => {
        evidence = { store: store.kind, state: 'ok', checkedAt: new Date().toISOString() };
      },
      (err: unknown) => {
        const e = toStorageError(err);
        evidence = { store: store.kind, state: e?.problem ?? 'unavailable', ...(e?.code ? { code: e.code } : {}), checkedAt: new Date().toISOString() };
      },
    ).finally(() => {
      inFlight = false;
    });
  };
  look();
  return {
    health() {
      if (!inFlight && Date.now() - last >= intervalMs) look();
      const base = inner.health();
      const state = base.state === 'ok' ? evidence.state : base.state;
      return { ...base, ok: state === 'ok', state, evidence };
    },
  };
}
