import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { freePort, startNetraProcess } from '../support/netra-process.js';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-start-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

describe('npm start with several channels', () => {
  it(
    'keeps HTTP serving when Telegram is unreachable and WhatsApp cannot start, and /healthz says so per channel',
    async () => {
      const httpPort = await freePort();
      const deadTelegram = await freePort();
      const token = '123456:TEST-start-token_xyz';
      const netra = startNetraProcess(dataDir, {
        HTTP_PORT: String(httpPort),
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: `http://127.0.0.1:${deadTelegram}`,
        WHATSAPP_ENABLED: 'true',
        CHROMIUM_PATH: '/nonexistent/chromium',
        LOG_LEVEL: 'info',
      });
      try {
        type Health = { status: string; channels: Record<string, { state: string; detail?: string }> };
        let health: Health | undefined;
        await vi.waitFor(
          async () => {
            const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
            health = (await res.json()) as Health;
            expect(health.channels.telegram?.state).toBe('retrying');
            expect(health.channels.whatsapp?.state).toBe('retrying');
          },
          { timeout: 60_000, interval: 250 },
        );
        expect(health!.status).toBe('degraded');
        expect(health!.channels.http?.state).toBe('running');
        expect(health!.channels.telegram?.detail).toMatch(/Telegram/);
        expect(health!.channels.whatsapp?.detail).toMatch(/Chromium|CHROMIUM_PATH/);
        // The HTTP API answers questions meanwhile.
        const ask = await fetch(`http://127.0.0.1:${httpPort}/v1/ask`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ question: 'Bolehkah PNS ikut kampanye?' }),
        });
        expect(ask.status).toBe(200);
        expect(netra.stderr()).not.toContain(token.split(':')[1]!);
      } finally {
        netra.child.kill('SIGTERM');
      }
      // SIGTERM stops every channel and the app, then exits cleanly.
      expect(await netra.exited).toBe(0);
    },
    90_000,
  );
});
