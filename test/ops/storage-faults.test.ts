import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHttpApi } from '../../src/channels/http/http-api.js';
import type { IncomingMessage } from '../../src/conversation/messages.js';
import { StorageUnavailableError } from '../../src/storage/storage-errors.js';
import { createStorageProbe } from '../../src/storage/storage-health.js';
import { reportDriver } from '../reporting/helpers.js';
import { createTestApp, REPO_ROOT, type TestApp } from '../support/test-app.js';
import { expectAnswer, postJson, questionCount } from './helpers.js';

/**
 * Storage faults on a real SQLite file: a write lock held by another process, a read-only data
 * directory and a full one (real tmpfs mounts, as root). No stopwatch: "answers continue while a
 * report waits" is shown by the order in which things happen.
 */
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await createTestApp(env);
  cleanups.push(() => t.close());
  return t;
}

const lapor = (chatId: string): IncomingMessage => ({ channel: 'telegram', chatId, userId: chatId, isPrivate: true, text: '/lapor' });
const ref = (m: IncomingMessage) => ({ channel: m.channel, chatId: m.chatId });

/** Another process takes the write lock, says "locked", and releases it after `holdMs`. */
function lockFromAnotherProcess(dbPath: string, holdMs: number): Promise<{ released: Promise<number> }> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const Database = require('better-sqlite3');
       const db = new Database(process.argv[1]);
       db.exec('BEGIN IMMEDIATE');
       db.prepare("INSERT INTO feedback (question_id, value, user_hash, at) SELECT id, 'up', 'lock-holder', 'x' FROM questions LIMIT 1").run();
       process.stdout.write('locked\\n');
       setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, Number(process.argv[2]));`,
      dbPath,
      String(holdMs),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const released = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  cleanups.push(() => {
    if (child.exitCode === null) child.kill();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve({ released });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
}

describe('fault: another process holds the SQLite write lock', () => {
  it('answers do not wait for it; their log entries are written once the lock is gone', async () => {
    const t = await app();
    const api = await startHttpApi({ app: t.app, port: 0, host: '127.0.0.1' });
    cleanups.push(() => api.close());
    expectAnswer(await postJson(api.url, { question: 'Bolehkah PNS ikut kampanye?' })); // a row for the lock holder
    const before = questionCount(t.app);
    const { released } = await lockFromAnotherProcess(t.app.config.databasePath, 3000);
    let lockGone = false;
    void released.then(() => {
      lockGone = true;
    });
    const answers = [];
    for (const question of ['Bolehkah PNS like postingan caleg di Instagram?', 'Apa sanksi PNS yang ikut kampanye?', 'Bolehkah PNS menjadi anggota partai politik?']) {
      answers.push(expectAnswer(await postJson(api.url, { question })));
    }
    expect(lockGone).toBe(false); // all three answered while the other process still held the lock
    expect(answers.every((a) => a.citations.length > 0)).toBe(true);
    expect(t.app.storage.health()).toMatchObject({ ok: false, state: 'locked' });
    expect(await released).toBe(0);
    await t.app.writer!.idle();
    expect(questionCount(t.app)).toBe(before + 3);
    expect((t.app.db!.prepare("SELECT COUNT(*) AS n FROM feedback WHERE user_hash = 'lock-holder'").get() as { n: number }).n).toBe(1);
  });

  it('a report step waits asynchronously: questions are answered meanwhile, and the step completes after the lock', async () => {
    const t = await app();
    await t.app.questionLog.logQuestion({ channel: 'http', chatHash: 'x', question: 'uji', verdict: 'dilarang' });
    const { released } = await lockFromAnotherProcess(t.app.config.databasePath, 3000);
    let reportDone = false;
    const report = reportDriver(t.app.reporting).start(lapor('900')).finally(() => {
      reportDone = true;
    });
    const during = await t.app.pipeline.ask('Bolehkah PNS like postingan caleg di Instagram?');
    expect(during.answer.verdict).toBe('dilarang');
    expect(reportDone).toBe(false); // the answer came while the report's write was still waiting
    expect(await released).toBe(0);
    const replies = await report;
    expect(replies.map((r) => (r.kind === 'text' ? r.text : '')).join('\n')).toMatch(/Langkah 1 dari 9/);
    expect(await t.app.reporting.hasDraft({ channel: 'telegram', chatId: '900' })).toBe(true);
  });

  it('a lock held past STORAGE_LOCK_WAIT_MS: the report write fails with StorageUnavailableError("locked"), in Indonesian', async () => {
    const t = await app({ STORAGE_LOCK_WAIT_MS: '300' });
    const holder = new Database(t.app.config.databasePath);
    cleanups.push(() => {
      if (holder.inTransaction) holder.exec('ROLLBACK');
      holder.close();
    });
    holder.exec('BEGIN IMMEDIATE');
    const error = await t.app.reporting.startDraft(ref(lapor('901'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect(error).toMatchObject({ problem: 'locked', code: 'SQLITE_BUSY' });
    expect((error as StorageUnavailableError).userMessage).toMatch(/belum tersimpan/);
    // Statistics never throw: the entry is queued, then dropped; the answer is unaffected.
    expect(await t.app.questionLog.logQuestion({ channel: 'http', chatHash: 'x', question: 'uji', verdict: 'dilarang' })).toBeUndefined();
    holder.exec('ROLLBACK');
    expect(await t.app.reporting.hasDraft({ channel: 'telegram', chatId: '901' })).toBe(false);
    // Through the chat, the same failure is one Indonesian line, and nothing reaches the pipeline.
    holder.exec('BEGIN IMMEDIATE');
    const replies = await reportDriver(t.app.reporting).start(lapor('901'));
    expect(replies.map((r) => (r.kind === 'text' ? r.text : '')).join()).toMatch(/belum dapat disimpan/);
    holder.exec('ROLLBACK');
    await t.app.reporting.startDraft(ref(lapor('901')));
    expect(await t.app.reporting.hasDraft({ channel: 'telegram', chatId: '901' })).toBe(true);
  });
});

/** A tmpfs of `sizeMb` at a fresh directory, unmounted afterwards; undefined where mounting is not allowed. */
function tmpfs(sizeMb: number): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m,mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  cleanups.push(() => {
    execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  });
  return dir;
}

let canMount = false;
beforeAll(() => {
  if (process.getuid?.() !== 0) return;
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    canMount = true;
  } catch {
    canMount = false;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
});

describe('fault: the data directory cannot be written', () => {
  it.skipIf(process.getuid?.() !== 0)('read-only: the probe says so, and a start fails with one typed, Indonesian error', async (ctx) => {
    if (!canMount) ctx.skip();
    const mount = tmpfs(32)!;
    const dataDir = path.join(mount, 'data');
    const first = await createTestApp({ NETRA_DATA_DIR: dataDir });
    expect(first.app.storage.health()).toMatchObject({ ok: true, state: 'ok' });
    await first.app.reporting.startDraft(ref(lapor('902')));
    await first.close();
    // The disk turns read-only (a remount needs no file open for writing, so the app is closed first).
    execFileSync('mount', ['-o', 'remount,ro', mount]);
    cleanups.push(() => {
      execFileSync('mount', ['-o', 'remount,rw', mount]);
    });
    const probe = createStorageProbe({ dataDir, databasePath: path.join(dataDir, 'netra.sqlite'), writer: first.app.writer! });
    expect(probe.health()).toMatchObject({ ok: false, state: 'read_only' });
    const error = await createTestApp({ NETRA_DATA_DIR: dataDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).problem).toBe('read_only');
    expect((error as Error).message).toMatch(/hanya-baca/);
  });

  it.skipIf(process.getuid?.() !== 0)('full: /healthz data says so and a report write fails with problem disk_full', async (ctx) => {
    if (!canMount) ctx.skip();
    const mount = tmpfs(16)!;
    const t = await app({ NETRA_DATA_DIR: path.join(mount, 'data') });
    // Fill what is left.
    const filler = fs.openSync(path.join(mount, 'filler'), 'w');
    try {
      const chunk = Buffer.alloc(256 * 1024, 1);
      for (;;) fs.writeSync(filler, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(filler);
    }
    const probe = createStorageProbe({ dataDir: t.app.config.dataDir, databasePath: t.app.config.databasePath, writer: t.app.writer! });
    expect(probe.health()).toMatchObject({ ok: false, state: 'disk_full' });
    const error = await (async () => {
      // SQLite may still fit a row or two into free pages; a few drafts exhaust them.
      for (let i = 0; i < 200; i++) await t.app.reporting.startDraft(ref(lapor(`9${i}`)));
      return undefined;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    expect((error as StorageUnavailableError).problem).toBe('disk_full');
  });
});
