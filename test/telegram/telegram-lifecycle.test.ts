import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_COMMANDS,
  createTelegramBot,
  PUBLIC_COMMANDS,
  startTelegram,
  TelegramStartError,
} from '../../src/channels/telegram/index.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { FakeTelegramApi, groupChat, privateChat, user } from '../support/fake-telegram-api.js';
import { captureLogger, RecordingConversation, sleep, startHarness, textOf, type Harness } from './harness.js';

const ALICE = user(1001, 'Alice');

let harness: Harness | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const c of cleanups.splice(0)) await c();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('Telegram adapter start and stop', () => {
  it('publishes Indonesian and English menus, and admin menus where Telegram allows', async () => {
    harness = await startHarness({
      adminIds: ['1001', '1002'],
      adminChatId: '-100777',
      // 1001 and the admin group have talked to the bot; 1002 never opened it.
      prepare: (fake) => {
        fake.knowChat(privateChat(1001));
        fake.knowChat(groupChat(-100777, 'Admin Netra'));
      },
    });
    const calls = harness.fake.callsTo('setMyCommands').map((c) => c.payload);
    expect(calls).toContainEqual({ commands: PUBLIC_COMMANDS.id });
    expect(calls).toContainEqual({ commands: PUBLIC_COMMANDS.en, language_code: 'en' });
    expect(PUBLIC_COMMANDS.id.map((c) => c.command)).toEqual(['start', 'bantuan', 'tanya', 'lapor', 'status', 'sumber', 'batal']);
    for (const chatId of [1001, 1002, -100777]) {
      expect(calls).toContainEqual({ commands: [...PUBLIC_COMMANDS.id, ...ADMIN_COMMANDS.id], scope: { type: 'chat', chat_id: chatId } });
    }
    expect(calls).toContainEqual({
      commands: [...PUBLIC_COMMANDS.en, ...ADMIN_COMMANDS.en],
      scope: { type: 'chat', chat_id: 1001 },
      language_code: 'en',
    });
    // 1002's failure did not stop the start.
    expect(harness.telegram.mode).toBe('polling');
    expect(harness.telegram.username).toBe('NetraTestBot');
    expect(harness.fake.callsTo('deleteWebhook')).toHaveLength(1);
  });

  it('warns when the admin chat cannot be reached', async () => {
    harness = await startHarness({ adminChatId: '-100999' });
    expect(harness.logs.some((l) => l.level === 40 && String(l.msg).includes('ADMIN_CHAT_ID'))).toBe(true);
  });

  it('registers an escaping notifier while running and removes it on stop', async () => {
    const notifiers = new NotifierRegistry();
    harness = await startHarness({ notifiers });
    const since = harness.fake.calls.length;
    const delivered = await notifiers.send('telegram', '1001', 'Laporan NTR-ABC123 kini "diproses" <admin> & tim');
    expect(delivered).toBe(true);
    const sent = await harness.nextMessage(1001, since);
    expect(textOf(sent)).toBe('Laporan NTR-ABC123 kini &quot;diproses&quot; &lt;admin&gt; &amp; tim');
    expect(sent.payload.parse_mode).toBe('HTML');

    const long = `${'Ringkasan laporan baru. '.repeat(300)}\n\n${'Detail tambahan. '.repeat(100)}`;
    await notifiers.send('telegram', '1001', long);
    const parts = harness.fake.callsTo('sendMessage').slice(1);
    expect(parts.length).toBe(3);
    expect(parts.every((p) => textOf(p).length <= 4096)).toBe(true);
    expect(parts.map(textOf).join(' ').replace(/\s+/g, ' ').trim()).toBe(long.replace(/\s+/g, ' ').trim());

    await harness.telegram.stop();
    expect(await notifiers.send('telegram', '1001', 'setelah berhenti')).toBe(false);
  });

  it('stops polling cleanly and can be stopped twice', async () => {
    harness = await startHarness();
    await harness.telegram.stop();
    await harness.telegram.stop();
    const polls = harness.fake.callsTo('getUpdates').length;
    await sleep(300);
    expect(harness.fake.callsTo('getUpdates').length).toBe(polls);
    harness.fake.userSays('masih ada?', { from: ALICE });
    await sleep(300);
    expect(harness.fake.callsTo('sendMessage')).toHaveLength(0);
  });

  it('refuses to start with a wrong token and says to check it with @BotFather', async () => {
    const fake = await FakeTelegramApi.start();
    cleanups.push(() => fake.close());
    const { logger, lines } = captureLogger();
    const attempt = startTelegram({
      config: { token: '999:wrong', apiRoot: fake.apiRoot, adminIds: [] },
      conversation: new RecordingConversation(),
      notifiers: new NotifierRegistry(),
      logger,
      maxFileBytes: 1024,
    });
    await expect(attempt).rejects.toBeInstanceOf(TelegramStartError);
    await expect(attempt).rejects.toThrow(/token salah, periksa TELEGRAM_BOT_TOKEN dari @BotFather/);
    expect(lines.some((l) => l.level === 50 && String(l.msg).includes('TELEGRAM_BOT_TOKEN'))).toBe(true);
  });

  it('logs "bot dijalankan dua kali" when Telegram answers getUpdates with 409', async () => {
    harness = await startHarness({
      prepare: (fake) =>
        fake.failNext('getUpdates', 1, {
          error_code: 409,
          description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
        }),
    });
    for (let i = 0; i < 50 && !harness.logs.some((l) => String(l.msg).includes('dua kali')); i++) await sleep(20);
    const conflict = harness.logs.find((l) => String(l.msg).includes('bot dijalankan dua kali'));
    expect(conflict).toMatchObject({ level: 50, method: 'getUpdates', code: 409 });
    // Polling has ended by itself: the handle says so, so `npm start` can exit and be restarted.
    const failure = await Promise.race([harness.telegram.failed, sleep(5000).then(() => undefined)]);
    expect(failure).toBeInstanceOf(Error);
  });

  it('does not report a failure when the bot is stopped on purpose', async () => {
    harness = await startHarness({});
    const failed = harness.telegram.failed.then(() => 'failed');
    await harness.telegram.stop();
    expect(await Promise.race([failed, sleep(300).then(() => 'quiet')])).toBe('quiet');
  });

  it('receives updates through a webhook with a secret token', async () => {
    const port = await freePort();
    harness = await startHarness({ webhookPort: port });
    expect(harness.telegram.mode).toBe('webhook');
    const setWebhook = harness.fake.callsTo('setWebhook')[0]!;
    expect(setWebhook.payload).toMatchObject({
      url: `http://127.0.0.1:${port}/telegram`,
      allowed_updates: ['message', 'callback_query'],
    });
    expect(String(setWebhook.payload.secret_token)).toMatch(/^[a-f0-9]{64}$/);
    expect(harness.fake.callsTo('getUpdates')).toHaveLength(0);

    const since = harness.fake.calls.length;
    harness.fake.userSays('Bolehkah PNS menjadi anggota partai?', { from: ALICE });
    const sent = await harness.nextMessage(ALICE.id, since);
    expect(textOf(sent)).toContain('<b>DILARANG</b>');
    for (let i = 0; i < 50 && harness.fake.webhookDeliveries.length === 0; i++) await sleep(10);
    expect(harness.fake.webhookDeliveries).toEqual([200]);

    // Without Telegram's secret header nobody can inject updates.
    const forged = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ update_id: 99, message: { message_id: 1, date: 0, chat: privateChat(5), from: user(5), text: 'palsu' } }),
    });
    expect(forged.status).toBe(401);
    const broken = await fetch(`http://127.0.0.1:${port}/telegram`, {
      method: 'POST',
      headers: { 'x-telegram-bot-api-secret-token': String(setWebhook.payload.secret_token) },
      body: '{ bukan json',
    });
    expect(broken.status).toBe(400);

    await harness.telegram.stop();
    await expect(fetch(`http://127.0.0.1:${port}/telegram`)).rejects.toThrow();
  });

  it('createTelegramBot works with grammY’s own bot.start() long polling', async () => {
    const fake = await FakeTelegramApi.start();
    cleanups.push(() => fake.close());
    const conversation = new RecordingConversation();
    const bot = createTelegramBot({
      config: { token: fake.token, apiRoot: fake.apiRoot, adminIds: [] },
      conversation,
      notifiers: new NotifierRegistry(),
      logger: captureLogger().logger,
      maxFileBytes: 1024,
    });
    const running = bot.start({ timeout: 1 });
    cleanups.unshift(async () => {
      await bot.stop();
      await running;
    });
    fake.userSays('Bolehkah ASN foto bersama calon?', { from: ALICE });
    const sent = await fake.waitForCall('sendMessage');
    expect(textOf(sent)).toContain('<b>DILARANG</b>');
    expect(conversation.received[0]?.text).toBe('Bolehkah ASN foto bersama calon?');
  });

  it("keeps Telegram's per-chat pace with the default throttle", async () => {
    const conversation = new RecordingConversation(() => [
      { kind: 'text', text: 'Bagian pertama.' },
      { kind: 'text', text: 'Bagian kedua.' },
    ]);
    harness = await startHarness({ conversation, realThrottle: true });
    const since = harness.fake.calls.length;
    harness.fake.userSays('Halo', { from: ALICE });
    const first = await harness.nextMessage(ALICE.id, since);
    const t0 = Date.now();
    await harness.nextMessage(ALICE.id, harness.fake.calls.indexOf(first) + 1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(800);
  });
});
