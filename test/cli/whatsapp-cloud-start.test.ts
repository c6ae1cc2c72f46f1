import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  deliverWebhook,
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_TOKEN,
  FAKE_VERIFY_TOKEN,
  FakeGraphApi,
  inboundMessage,
  notification,
} from '../support/fake-graph-api.js';
import { REPO_ROOT } from '../support/test-app.js';

/** The compiled entry point `npm start` runs (dist/, built by the ops project's global setup). */
const START = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'start.js');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-cloud-start-'));
let graph: FakeGraphApi;
beforeAll(async () => {
  graph = await new FakeGraphApi().start();
});
afterAll(async () => {
  await graph?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('npm start with WHATSAPP_MODE=cloud', () => {
  it(
    'serves the signed webhook without Chromium, answers through the Graph API, warns of the missing template, logs no secret',
    async () => {
      const port = await freePort();
      const child = spawn(process.execPath, [START], {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          NETRA_DATA_DIR: dataDir,
          WHATSAPP_ENABLED: 'true',
          WHATSAPP_MODE: 'cloud',
          CHROMIUM_PATH: '/nonexistent/chromium',
          WHATSAPP_CLOUD_ACCESS_TOKEN: FAKE_TOKEN,
          WHATSAPP_CLOUD_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
          WHATSAPP_CLOUD_APP_SECRET: FAKE_APP_SECRET,
          WHATSAPP_CLOUD_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
          WHATSAPP_CLOUD_API_BASE_URL: graph.baseUrl,
          WHATSAPP_CLOUD_WEBHOOK_PORT: String(port),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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
        expect(stderr).toContain('WHATSAPP_CLOUD_STATUS_TEMPLATE tidak diatur');
        for (const secret of [FAKE_TOKEN, FAKE_APP_SECRET, FAKE_VERIFY_TOKEN]) expect(stderr).not.toContain(secret);
        expect(stderr).not.toContain(user);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    },
    90_000,
  );
});
