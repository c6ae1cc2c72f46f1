import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWhatsApp, type WhatsAppChannel } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BOT_NUMBER, FakeWhatsAppClient, fakeMessage, type FakeMessage } from './fake-whatsapp.js';

/**
 * The WhatsApp adapter in front of a real Netra (knowledge index, offline answer pipeline,
 * reporting on a real SQLite file): only WhatsApp itself is faked.
 */

let app: TestApp;
let client: FakeWhatsAppClient;
let channel: WhatsAppChannel;

beforeAll(async () => {
  app = await createTestApp();
  client = new FakeWhatsAppClient();
  channel = await startWhatsApp({
    config: { chromiumPath: '/nonexistent/chromium', adminIds: [], authDir: path.join(app.dataDir, 'whatsapp-auth') },
    dataDir: app.dataDir,
    conversation: app.conversation,
    notifiers: app.notifiers,
    logger: silentLogger(),
    rateLimitPerMinute: 100,
    maxFileBytes: app.app.config.maxEvidenceBytes,
    clientFactory: () => client,
    printQr: () => undefined,
  });
  client.becomeReady();
});

afterAll(async () => {
  await channel?.stop();
  await app?.close();
});

/** Sends one message (built here, or prebuilt to inspect it later) and returns the bot's texts to that chat. */
async function say(from: string, init: FakeMessage | (Partial<FakeMessage> & { body: string })): Promise<string[]> {
  const before = client.sent.length;
  const message = 'downloads' in init && init.downloads !== undefined ? init : fakeMessage(client, { from, ...init });
  client.emit('message', message);
  // The reply may be several messages: wait until the chat's queue is idle (no new message for a while).
  let seen = -1;
  await vi.waitFor(
    () => {
      const now = client.sent.length;
      const stable = now > before && now === seen;
      seen = now;
      if (!stable) throw new Error('still answering');
    },
    { timeout: 20_000, interval: 150 },
  );
  return client.sent.slice(before).filter((s) => s.chatId === from).map((s) => s.text);
}

const pngBytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

describe('WhatsApp with a real Netra', () => {
  it('answers a private question with a cited verdict and takes feedback by number', async () => {
    const user = '6281234500001@c.us';
    const [answer, ...rest] = await say(user, { body: 'Bolehkah PNS like postingan caleg di Instagram?' });
    expect(rest).toEqual([]);
    expect(answer).toContain('*DILARANG*');
    expect(answer).toMatch(/^> .+/m);
    expect(answer).toMatch(/^1\. \*.+\* — .+/m);
    expect(answer).toContain('Balas *1* untuk 👍');

    const thanks = await say(user, { body: '1' });
    expect(thanks.join('\n')).toMatch(/terima kasih/i);
  });

  it('answers a group question only when the bot is mentioned, quoting the asker', async () => {
    const group = '120363000000000099@g.us';
    const question = fakeMessage(client, {
      from: group,
      author: '6281234500002@c.us',
      body: `@${BOT_NUMBER} Bolehkah PNS like postingan caleg di Instagram?`,
      mentionedIds: [`${BOT_NUMBER}@c.us`],
    });
    const replies = await say(group, question);
    expect(replies[0]).toContain('*DILARANG*');
    expect(client.sent.find((s) => s.chatId === group)!.quotedId).toBe(question.id._serialized);
  });

  it('sends a group /lapor to the private chat with a wa.me link', async () => {
    const group = '120363000000000098@g.us';
    const replies = await say(group, { author: '6281234500003@c.us', body: '!lapor' });
    expect(replies.join('\n')).toContain(`https://wa.me/${BOT_NUMBER}?text=lapor`);
  });

  it('takes a report with a photo as evidence, refuses an oversized video, and ends with a ticket', async () => {
    const user = '6281234500004@c.us';
    const step = async (body: string, init: Partial<FakeMessage> = {}) => (await say(user, { body, ...init })).join('\n');

    expect(await step('/lapor')).toContain('Langkah 1 dari 9');
    expect(await step('1')).toContain('Langkah 2 dari 9');
    expect(await step('1')).toContain('Langkah 3 dari 9');
    expect(await step('Budi Santoso, Kepala Dinas Pendidikan, Pemerintah Kabupaten Contoh')).toContain('Langkah 4 dari 9');
    expect(await step('5 Januari 2024')).toContain('Langkah 5 dari 9');
    expect(await step('Balai Desa Sukamaju, Kabupaten Contoh')).toContain('Langkah 6 dari 9');
    expect(
      await step('Terlapor berpidato mengajak para guru memilih calon tertentu dalam rapat dinas di balai desa.'),
    ).toContain('Langkah 7 dari 9');

    const photo = fakeMessage(client, {
      from: user,
      body: '',
      type: 'image',
      hasMedia: true,
      media: { mimetype: 'image/png', data: pngBytes.toString('base64') },
      _data: { size: pngBytes.length, mimetype: 'image/png' },
    });
    expect((await say(user, photo)).join('\n')).toContain('Bukti diterima (1)');
    expect(photo.downloads).toBe(1);

    const video = fakeMessage(client, {
      from: user,
      body: '',
      type: 'video',
      hasMedia: true,
      media: { mimetype: 'video/mp4', data: '' },
      _data: { size: app.app.config.maxEvidenceBytes * 2, mimetype: 'video/mp4' },
    });
    expect((await say(user, video)).join('\n')).toMatch(/terlalu besar/);
    expect(video.downloads).toBe(0);

    expect(await step('1')).toContain('Langkah 8 dari 9'); // Selesai
    expect(await step('1')).toContain('Konfirmasi'); // Anonim
    const done = await step('1'); // Kirim
    const ticket = /NTR-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(done)?.[0];
    expect(ticket).toBeDefined();

    expect(await step(`!status ${ticket}`)).toContain(ticket!);
  });
});
