import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * How many PostgreSQL connections one worker opens: at most DATABASE_POOL_SIZE, however many
 * chats it handles at once (chat locks and queries share the one pool), and every chat still
 * gets its turn. Counted by PostgreSQL itself (pg_stat_activity), under an application_name
 * only this worker uses.
 */
describe.skipIf(!TEST_DATABASE_URL)(`one worker's PostgreSQL connections${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  const POOL = 4;
  const appName = `netra-conn-test-${randomBytes(4).toString('hex')}`;
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let dir: string;
  let worker: TestApp;
  beforeAll(async () => {
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    u.searchParams.set('application_name', appName);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-conn-'));
    worker = await createTestApp({
      DATABASE_URL: u.toString(),
      DATABASE_POOL_SIZE: String(POOL),
      NETRA_DATA_DIR: dir,
      NETRA_ID_SECRET: 'connections-id-secret-0123456789abcd',
      RATE_LIMIT_PER_MINUTE: '1000',
    });
  });
  afterAll(async () => {
    await worker?.close();
    await schema?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const connections = async (): Promise<number> => {
    const [row] = await schema.query(`SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = '${appName}'`);
    return Number(row?.n);
  };

  it(`eight chats whose replies are slow to send hold at most DATABASE_POOL_SIZE (${POOL}) connections, and all are answered`, async () => {
    let sending = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const turns = Array.from({ length: 8 }, (_, i) =>
      worker.conversation.handle({ channel: 'telegram', chatId: String(7100 + i), userId: String(7100 + i), isPrivate: true, text: '/bantuan' }, async () => {
        sending++;
        mostAtOnce = Math.max(mostAtOnce, sending);
        await gate; // a slow send while the chat's lock is held
        sending--;
      }),
    );
    // Sampled while the sends are held: never more connections than the pool, never more locks than its half.
    let most = 0;
    try {
      while (sending === 0) await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 40; i++) {
        most = Math.max(most, await connections());
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      release();
    }
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(POOL);
    expect(mostAtOnce).toBeLessThanOrEqual(POOL / 2);
    const replies = await Promise.all(turns);
    expect(replies.every((r) => r.some((o) => o.kind === 'text' && /\/lapor/.test(o.text)))).toBe(true);
    expect(await connections()).toBeLessThanOrEqual(POOL);
  });
});
