import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppCloud, type WhatsAppCloudChannel } from '../../src/channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import { silentLogger } from '../../src/logging/logger.js';
import { cloudEnv, deliverWebhook, FakeGraphApi, inboundMessage, notification } from '../support/fake-graph-api.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Two Cloud API workers (two real Netra apps, each with its own webhook server on 127.0.0.1) on
 * one PostgreSQL schema and one fake Graph API: what Meta sent to one worker is known to the other.
 */
describe.skipIf(!TEST_DATABASE_URL)(`two WhatsApp Cloud API workers on one PostgreSQL${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  const HOUR = 3600_000;
  let clock = Date.parse('2024-01-10T01:00:00Z');
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let dir: string;
  let graph: FakeGraphApi;
  const apps: TestApp[] = [];
  const channels: WhatsAppCloudChannel[] = [];

  beforeAll(async () => {
    graph = await new FakeGraphApi().start();
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-cloud-shared-'));
    const env = {
      ...cloudEnv(graph.baseUrl),
      DATABASE_URL: u.toString(),
      NETRA_DATA_DIR: dir,
      NETRA_ID_SECRET: 'cloud-workers-id-secret-0123456789ab',
      REPORTS_ENCRYPTION_KEY: 'cloud-workers-encryption-key-000000',
      RATE_LIMIT_PER_MINUTE: '1000',
    };
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp(env);
      apps.push(t);
      const whatsapp = t.app.config.whatsapp!;
      const cloud = whatsapp.cloud!;
      channels.push(
        await startWhatsAppCloud({
          config: { ...whatsapp, cloud: { ...cloud, webhook: { ...cloud.webhook, port: 0 }, statusTemplate: { name: 'netra_status_laporan', language: 'id' } } },
          conversation: t.conversation,
          notifiers: t.notifiers,
          logger: silentLogger(),
          maxFileBytes: t.app.config.maxEvidenceBytes,
          now: () => clock,
          sleep: async () => undefined,
          shared: t.app.sharedStore,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const c of channels) await c.stop();
    for (const t of apps) await t.close();
    await graph?.close();
    await schema?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const idle = () => Promise.all(channels.map((c) => c.idle()));

  it('a message Meta delivers to both workers is answered once', async () => {
    const user = '6281277770001';
    const message = inboundMessage(user, { type: 'text', text: 'Bolehkah PNS like postingan caleg di Instagram?' }, clock, 'wamid.twice-0001');
    const responses = await Promise.all(channels.map((c) => deliverWebhook(c.url, notification([message]))));
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await idle();
    const sent = graph.to(user).map((m) => JSON.stringify(m));
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent).size).toBe(sent.length);
    // The claim is a keyed hash, not Meta's id or the number.
    const stored = JSON.stringify(await schema.query('SELECT * FROM cloud_seen_messages'));
    expect(stored).not.toContain('wamid.twice-0001');
    expect(stored).not.toContain(user);
  });

  it('a notice sent by worker B to a user who wrote to worker A goes as free text within 24 hours and as the template after', async () => {
    const user = '6281277770002';
    const [a] = channels;
    expect((await deliverWebhook(a!.url, notification([inboundMessage(user, { type: 'text', text: 'menu' }, clock)]))).status).toBe(200);
    await idle();
    const b = apps[1]!;

    clock += 2 * HOUR;
    expect(await b.notifiers.send('whatsapp', `${user}@c.us`, 'Status laporan Anda kini: Diverifikasi.')).toBe(true);
    const inside = graph.to(user).at(-1)!;
    expect(inside.type).toBe('text');
    expect(inside.text?.body).toContain('Diverifikasi');

    clock += 23 * HOUR; // 25 hours after the user's message
    expect(await b.notifiers.send('whatsapp', `${user}@c.us`, 'Status laporan Anda kini: Diteruskan.')).toBe(true);
    const outside = graph.to(user).at(-1)!;
    expect(outside.type).toBe('template');
    expect(outside.template?.name).toBe('netra_status_laporan');
    expect(JSON.stringify(await schema.query('SELECT * FROM cloud_service_windows'))).not.toContain(user);
  });
});
