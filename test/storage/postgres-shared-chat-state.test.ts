import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SharedConversationState } from '../../src/conversation/shared-conversation-state.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createFieldSealer } from '../../src/storage/field-crypto.js';
import { openPostgres, type PostgresDatabase } from '../../src/storage/postgres.js';
import { advisoryKey, PostgresSharedChatState } from '../../src/storage/postgres-shared-chat-state.js';
import { hashUserId } from '../../src/logging/logger.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';

/** pg_locks' columns for the advisory lock of a hex hash (as PostgresSharedChatState takes it). */
function lockOf(hexHash: string): string {
  const key = BigInt.asUintN(64, BigInt(advisoryKey(hexHash)));
  return `locktype = 'advisory' AND classid = ${key >> 32n} AND objid = ${key & 0xffffffffn} AND objsubid = 1`;
}

/** Resolves once PostgreSQL shows `n` requests waiting for that lock (polled, no timers). */
async function waitersOn(url: string, hexHash: string, n: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (;;) {
      const r = await c.query(`SELECT COUNT(*)::int AS n FROM pg_locks WHERE ${lockOf(hexHash)} AND NOT granted`);
      if (r.rows[0].n >= n) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await c.end();
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe.skipIf(!TEST_DATABASE_URL)(`shared chat state on PostgreSQL (two workers)${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  const url = TEST_DATABASE_URL ?? '';
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let dbA: PostgresDatabase;
  let dbB: PostgresDatabase;
  let workerA: PostgresSharedChatState;
  let workerB: PostgresSharedChatState;
  beforeEach(async () => {
    schema = await freshSchema(url);
    dbA = await openPostgres({ connectionString: url, schema: schema.schema });
    dbB = await openPostgres({ connectionString: url, schema: schema.schema });
    workerA = new PostgresSharedChatState(dbA);
    workerB = new PostgresSharedChatState(dbB);
  });
  afterEach(async () => {
    await dbA.close();
    await dbB.close();
    await schema.drop();
  });

  it('one chat is handled by one worker at a time; another chat is not held up', async () => {
    const sealer = createFieldSealer(undefined, 'id-secret-shared-state-test');
    const a = new SharedConversationState(workerA, sealer, silentLogger());
    const b = new SharedConversationState(workerB, sealer, silentLogger());
    const events: string[] = [];
    const gate = deferred();
    const first = a.inOrder('telegram', '42', async () => {
      events.push('A start');
      await gate.promise;
      events.push('A end');
    });
    while (events.length === 0) await new Promise((r) => setImmediate(r));
    const second = b.inOrder('telegram', '42', async () => {
      events.push('B start');
    });
    await waitersOn(url, hashUserId('lock:telegram', '42'), 1); // B is waiting for the chat's lock in PostgreSQL
    await b.inOrder('telegram', '43', async () => {
      events.push('other chat');
    });
    expect(events).toEqual(['A start', 'other chat']);
    gate.resolve();
    await Promise.all([first, second]);
    expect(events).toEqual(['A start', 'other chat', 'A end', 'B start']);
  });

  it('a worker that dies holding a chat’s lock (its connection gone) does not block the chat', async () => {
    const gate = deferred();
    let aStarted = false;
    const dying = workerA
      .withLock('deadbeefdeadbeef', async () => {
        aStarted = true;
        await gate.promise;
      })
      .catch(() => 'connection lost');
    while (!aStarted) await new Promise((r) => setImmediate(r));
    let bRan = false;
    const waiting = workerB.withLock('deadbeefdeadbeef', async () => {
      bRan = true;
    });
    await waitersOn(url, 'deadbeefdeadbeef', 1);
    expect(bRan).toBe(false);
    // What kill -9 of the worker does to its lock: the server ends the holder's session.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_locks WHERE ${lockOf('deadbeefdeadbeef')} AND granted`);
    await admin.end();
    await waiting;
    expect(bRan).toBe(true);
    gate.resolve();
    await dying;
  });

  it('the rate limit counts one user’s messages on every worker: the first refused gets the notice, the rest nothing', async () => {
    let now = Date.UTC(2024, 1, 20, 3, 0, 10);
    const sealer = createFieldSealer(undefined, 'id-secret-shared-state-test');
    const a = new SharedConversationState(workerA, sealer, silentLogger(), () => now);
    const b = new SharedConversationState(workerB, sealer, silentLogger(), () => now);
    const verdicts = [];
    for (let i = 0; i < 6; i++) verdicts.push(await (i % 2 ? b : a).flood('telegram:77', 3, 60_000));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'notify', 'silent', 'silent']);
    expect(await b.flood('telegram:78', 3, 60_000)).toBe('allow'); // another user
    now += 60_000; // the next minute
    expect(await a.flood('telegram:77', 3, 60_000)).toBe('allow');
    // Buckets are keyed hashes of the user id, never the id itself. The hash is hex and its key
    // differs per run, so "77" can appear inside it by chance: check the shape, not the digits.
    const rows = await schema.query('SELECT bucket FROM rate_limit_counters');
    expect(rows.length).toBeGreaterThan(0);
    for (const { bucket } of rows) expect(bucket).toMatch(/^[0-9a-f]{16}$/);
    await a.sweep(30 * 60_000, 60_000);
    expect(await schema.query('SELECT COUNT(*) AS n FROM rate_limit_counters')).toEqual([{ n: 3 }]); // the last two windows stay
    now += 60_000; // 03:02:10: the 03:00 window is older than two windows
    await a.sweep(30 * 60_000, 60_000);
    expect(await schema.query('SELECT COUNT(*) AS n FROM rate_limit_counters')).toEqual([{ n: 1 }]);
  });

  it('the follow-up memory saved by one worker is read by the other, sealed in the database', async () => {
    const { ConversationMemory } = await import('../../src/conversation/conversation-memory.js');
    const sealer = createFieldSealer('shared-memory-test-key-0123456789', 'id-secret-shared-state-test');
    const a = new SharedConversationState(workerA, sealer, silentLogger());
    const b = new SharedConversationState(workerB, sealer, silentLogger());
    const memA = new ConversationMemory();
    const memB = new ConversationMemory();
    memA.remember('telegram:42:42', { question: 'Bolehkah PNS like postingan caleg?' }, { question: 'Bolehkah PNS like postingan caleg?', language: 'id' });
    await a.push(memA, 'telegram:42:42');
    await b.pull(memB, 'telegram:42:42');
    expect(memB.recent('telegram:42:42')).toEqual([{ question: 'Bolehkah PNS like postingan caleg?' }]);
    expect(memB.lastQuestion('telegram:42:42')).toBe('Bolehkah PNS like postingan caleg?');
    expect(JSON.stringify(await schema.query('SELECT * FROM conversation_memory'))).not.toMatch(/caleg|telegram:42/);
  });
});
