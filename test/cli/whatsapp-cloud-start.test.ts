import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  cloudEnv,
  deliverWebhook,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  FAKE_VERIFY_TOKEN,
  FakeGraphApi,
  inboundMessage,
  notification,
} from '../support/fake-graph-api.js';
import { freePort, startNetraProcess } from '../support/netra-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-cloud-start-'));
let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await new FakeGraphApi().start();
});
afterAll(async () => {
  await graph?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with WHATSAPP_MODE=cloud', () => {
  it(
    'serves the signed webhook without Chromium, answers through the Graph API, warns of the missing template, logs no secret',
    async () => {
      const port = await freePort();
      const netra = startNetraProcess(dataDir, {
        ...cloudEnv(graph.baseUrl),
        CHROMIUM_PATH: '/nonexistent/chromium',
        WHATSAPP_CLOUD_WEBHOOK_PORT: String(port),
        LOG_LEVEL: 'info',
      });
      const webhook = `http://127.0.0.1:${port}/whatsapp/webhook`;
      try {
        await vi.waitFor(
          async () => {
            const res = await fetch(`${webhook}?hub.mode=subscribe&hub.verify_token=${FAKE_VERIFY_TOKEN}&hub.challenge=42`);
            expect(await res.text()).toBe('42');
          },
          { timeout: 60_000, interval: 250 },
        );
        const user = '6281234500077';
        const res = await deliverWebhook(webhook, notification([inboundMessage(user, { type: 'text', text: 'Bolehkah PNS ikut kampanye?' }, Date.now())]));
        expect(res.status).toBe(200);
        await vi.waitFor(() => expect(graph.to(user).some((m) => m.type === 'interactive')).toBe(true), { timeout: 30_000, interval: 100 });
        const stderr = netra.stderr();
        expect(stderr).toContain('WHATSAPP_CLOUD_STATUS_TEMPLATE tidak diatur');
        for (const secret of [FAKE_TOKEN, FAKE_APP_SECRET, FAKE_VERIFY_TOKEN]) expect(stderr).not.toContain(secret);
        expect(stderr).not.toContain(user);
      } finally {
        netra.child.kill('SIGTERM');
      }
      expect(await netra.exited).toBe(0);
    },
    90_000,
  );
});
