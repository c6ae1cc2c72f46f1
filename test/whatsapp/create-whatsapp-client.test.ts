import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import wweb from 'whatsapp-web.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import {
  assertChromiumExists,
  CHROMIUM_ARGS,
  createWhatsAppClient,
} from '../../src/channels/whatsapp/create-whatsapp-client.js';
import { startWhatsApp } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { silentLogger } from '../../src/logging/logger.js';
import { RecordingConversation } from './fake-whatsapp.js';

/** The parts of the real client's runtime state these tests inspect (not in the library's typings). */
interface ClientInternals {
  options: { puppeteer: { executablePath?: string; headless?: boolean; args?: string[] } };
  authStrategy: unknown;
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'netra-wa-real-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the real whatsapp-web.js client (constructed, never initialised: no Chromium is launched)', () => {
  it('uses LocalAuth in the auth directory and the system Chromium, headless, with server flags', () => {
    const authDir = path.join(dir, 'whatsapp-auth');
    const client = createWhatsAppClient({ chromiumPath: '/usr/bin/chromium', authDir });
    const internals = client as unknown as ClientInternals;

    expect(client).toBeInstanceOf(wweb.Client);
    expect(internals.options.puppeteer.executablePath).toBe('/usr/bin/chromium');
    expect(internals.options.puppeteer.headless).toBe(true);
    expect(internals.options.puppeteer.args).toEqual([...CHROMIUM_ARGS]);
    expect(internals.options.puppeteer.args).toContain('--no-sandbox');
    expect(internals.authStrategy).toBeInstanceOf(wweb.LocalAuth);
    expect((internals.authStrategy as InstanceType<typeof wweb.LocalAuth>).dataPath).toBe(path.resolve(authDir));
  });
});

describe('Chromium check', () => {
  it('fails with one actionable line when Chromium is missing', async () => {
    const missing = path.join(dir, 'no-chromium-here');
    await expect(assertChromiumExists(missing)).rejects.toBeInstanceOf(ConfigError);
    await expect(assertChromiumExists(missing)).rejects.toThrow(
      `Chromium tidak ditemukan di ${missing}: pasang dengan \`apt-get install chromium\` atau atur CHROMIUM_PATH.`,
    );
  });

  it('accepts an executable file', async () => {
    await expect(assertChromiumExists(process.execPath)).resolves.toBeUndefined();
  });

  it('stops startWhatsApp before any browser is created when Chromium is missing', async () => {
    const missing = path.join(dir, 'still-no-chromium');
    await expect(
      startWhatsApp({
        config: { chromiumPath: missing, adminIds: [], authDir: path.join(dir, 'auth') },
        dataDir: dir,
        conversation: new RecordingConversation(),
        notifiers: new NotifierRegistry(),
        logger: silentLogger(),
        maxFileBytes: 1024,
      }),
    ).rejects.toThrow(/Chromium tidak ditemukan/);
  });
});
