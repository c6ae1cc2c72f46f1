import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startWhatsApp, type WhatsAppChannel } from '../../src/channels/whatsapp/whatsapp-channel.js';
import { renderOutgoingWhatsApp } from '../../src/channels/whatsapp/format-answer-whatsapp.js';
import { ADMIN_ONLY_TEXT } from '../../src/conversation/admin-commands.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { BOT_NUMBER, FakeWhatsAppClient, fakeMessage, type FakeMessage } from './fake-whatsapp.js';

/**
 * The WhatsApp adapter in front of a real Netra (knowledge index, offline answer pipeline,
 * reporting on a real SQLite file): only WhatsApp itself is faked.
 */

const ADMIN = '6281234500009@c.us';

/** Passes messages to the real conversation and says how many texts the adapter will send for each turn. */
class TurnRecorder implements ConversationHandler {
  private waiting: Array<(n: number) => void> = [];
  constructor(private readonly inner: ConversationHandler) {}
  async handle(message: IncomingMessage): Promise<OutgoingMessage[]> {
    const out = await this.inner.handle(message);
    this.waiting.shift()?.(out.reduce((n, o) => n + renderOutgoingWhatsApp(o).length, 0));
    return out;
  }
  nextTurn(): Promise<number> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

let app: TestApp;
let client: FakeWhatsAppClient;
let channel: WhatsAppChannel;
let recorder: TurnRecorder;

beforeAll(async () => {
  app = await createTestApp({ WHATSAPP_ENABLED: 'true', WHATSAPP_ADMIN_IDS: '0812-3450-0009', RATE_LIMIT_PER_MINUTE: '1000' });
  client = new FakeWhatsAppClient();
  recorder = new TurnRecorder(app.conversation);
  channel = await startWhatsApp({
    config: { chromiumPath: '/nonexistent/chromium', adminIds: ['0812-3450-0009'], authDir: path.join(app.dataDir, 'whatsapp-auth') },
    dataDir: app.dataDir,
    conversation: recorder,
    notifiers: app.notifiers,
    logger: silentLogger(),
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
  const turn = recorder.nextTurn();
  client.emit('message', message);
  const expected = await turn;
  await vi.waitFor(
    () => {
      if (client.sent.length - before < expected) throw new Error('still sending');
    },
    { timeout: 20_000, interval: 20 },
  );
  return client.sent.slice(before).filter((s) => s.chatId === from).map((s) => s.text);
}

const pngBytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

describe('WhatsApp with a real Netra', () => {
  it('answers a private question with a cited verdict, feedback and follow-ups by number', async () => {
    const user = '6281234500001@c.us';
    const replies = await say(user, { body: 'Bolehkah PNS like postingan caleg di Instagram?' });
    // A long answer may take two bubbles; the numbered options close the last one.
    expect(replies.at(-1)).toMatch(/Balas dengan angka pilihan Anda:[\s\S]*$/);
    const answer = replies.join('\n');
    expect(answer).toContain('*DILARANG*');
    expect(answer).toMatch(/^> .+/m);
    expect(answer).toMatch(/^1\. \*.+\* — .+/m);
    expect(answer).toMatch(/Balas dengan angka pilihan Anda:\n\*1\.\* 👍 Membantu\n\*2\.\* 👎 Kurang tepat\n\*3\.\* (.+)/);
    const followUp = /\*3\.\* (.+)/.exec(answer!)![1]!;
    expect(answer).not.toContain('Pertanyaan terkait');

    const thanks = await say(user, { body: '1' });
    expect(thanks).toEqual(['Terima kasih atas masukan Anda.']);
    // The numbers still refer to the answer: 3 asks its first follow-up in the same conversation.
    const next = await say(user, { body: '3' });
    expect(next.join('\n')).toMatch(/^\S+ \*[A-Z ]+\*/);
    expect(app.app.db!.prepare('SELECT question FROM questions ORDER BY id DESC LIMIT 1').get()).toEqual({ question: followUp });
    expect(app.app.conversation.asker.memory.recent(`whatsapp:${user}:${user}`)).toHaveLength(2);
  });

  it('gives an English conversation English controls', async () => {
    const answer = (await say('6281234500006@c.us', { body: 'May a civil servant like a candidate post on Instagram?' })).join('\n');
    expect(answer).toContain('*NOT ALLOWED*');
    expect(answer).toContain('Reply with the number of your choice:\n*1.* 👍 Helpful\n*2.* 👎 Not quite right');
  });

  it('answers a group question briefly, only when mentioned, quoting the asker, without numbers that would not work there', async () => {
    const group = '120363000000000099@g.us';
    const question = fakeMessage(client, {
      from: group,
      author: '6281234500002@c.us',
      body: `@${BOT_NUMBER} Bolehkah PNS like postingan caleg di Instagram?`,
      mentionedIds: [`${BOT_NUMBER}@c.us`],
    });
    const replies = await say(group, question);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('*DILARANG*');
    expect(replies[0]).not.toMatch(/Balas|\*1\*/);
    expect(replies[0]!.match(/^> /gm)!.length).toBeGreaterThanOrEqual(1);
    expect(replies[0]).toContain(`Selengkapnya di chat pribadi: https://wa.me/${BOT_NUMBER}?text=Bolehkah%20PNS%20like`);
    expect(replies[0]).not.toMatch(/Hari ini \(/);
    expect(client.sent.find((s) => s.chatId === group)!.quotedId).toBe(question.id._serialized);

    // A "1" in the group (quoting the bot) is not a vote, and not answered.
    const one = await say(group, { author: '6281234500002@c.us', body: '1', hasQuotedMsg: true, quoted: { fromMe: true } });
    expect(one).toEqual([]);
    const thanks = await say(group, { author: '6281234500002@c.us', body: 'makasih', hasQuotedMsg: true, quoted: { fromMe: true } });
    expect(thanks).toEqual(['Sama-sama 🙏']);
  });

  it('sends a group /lapor to the private chat with a wa.me link', async () => {
    const group = '120363000000000098@g.us';
    const replies = await say(group, { author: '6281234500003@c.us', body: '!lapor' });
    expect(replies.join('\n')).toContain(`https://wa.me/${BOT_NUMBER}?text=lapor`);
  });

  it('understands plain keywords in a private chat: menu, lapor, batal (asked first), status', async () => {
    const user = '6281234500005@c.us';
    expect((await say(user, { body: 'menu' })).join()).toMatch(/Cara memakai Netra/);
    expect((await say(user, { body: 'lapor' })).join()).toMatch(/Langkah 1 dari 9/);
    const asked = (await say(user, { body: 'batal' })).join();
    expect(asked).toMatch(/Batalkan laporan\?/);
    expect(asked).toContain('Balas *1* untuk Ya, batalkan dan hapus, atau *2* untuk Tidak, lanjutkan laporan.');
    expect((await say(user, { body: '2' })).join()).toMatch(/tidak dibatalkan/);
    await say(user, { body: 'batal' });
    expect((await say(user, { body: '1' })).join()).toMatch(/Laporan dibatalkan/);
    expect((await say(user, { body: 'status' })).join()).toMatch(/Belum ada laporan yang dikirim dari chat ini/);
    expect((await say(user, { body: 'bantuan' })).join()).toMatch(/Cara memakai Netra/);
  });

  it('takes a report with a photo as evidence, refuses an oversized video, ends with a ticket and tells the WhatsApp admin', async () => {
    const user = '6281234500004@c.us';
    const step = async (body: string, init: Partial<FakeMessage> = {}) => (await say(user, { body, ...init })).join('\n');

    expect(await step('/lapor')).toContain('Langkah 1 dari 9');
    expect(await step('1')).toContain('Langkah 2 dari 9');
    expect(await step('1')).toContain('Terlapor — nama');
    expect(await step('Budi Santoso')).toContain('Terlapor — jabatan');
    expect(await step('Kepala Dinas Pendidikan')).toContain('Terlapor — instansi');
    expect(await step('Pemerintah Kabupaten Contoh')).toContain('Terlapor — NIP/NIK');
    expect(await step('1')).toContain('Langkah 4 dari 9'); // Lewati
    expect(await step('5 Januari 2024')).toContain('Kapan Anda mengetahuinya');
    expect(await step('1')).toContain('Langkah 5 dari 9'); // Pada hari kejadian
    expect(await step('Balai Desa Sukamaju, Kabupaten Contoh')).toContain('Langkah 6 dari 9');
    expect(await step('Terlapor berpidato mengajak para guru memilih calon tertentu dalam rapat dinas di balai desa.')).toContain('Bagian 1 diterima');
    expect(await step('selesai')).toContain('Langkah 7 dari 9');

    const photo = fakeMessage(client, {
      from: user,
      body: 'Foto saat pidato',
      type: 'image',
      hasMedia: true,
      media: { mimetype: 'image/png', data: pngBytes.toString('base64') },
      _data: { size: pngBytes.length, mimetype: 'image/png' },
    });
    const ack = (await say(user, photo)).join('\n');
    expect(ack).toContain('Bukti diterima: 1 berkas. Keterangan "Foto saat pidato"');
    expect(ack).not.toMatch(/tidak berisi berkas/);
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
    const adminBefore = client.textsTo(ADMIN).length;
    const done = await step('1'); // Kirim
    const ticket = /NTR-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(done)?.[0];
    expect(ticket).toBeDefined();

    // A WhatsApp-only deployment tells its admins too.
    await vi.waitFor(() => expect(client.textsTo(ADMIN).length).toBeGreaterThan(adminBefore));
    expect(client.textsTo(ADMIN).at(-1)).toContain(ticket!);
    expect(client.textsTo(ADMIN).at(-1)).not.toContain('6281234500004');

    expect(await step(`!status ${ticket}`)).toContain(ticket!);
    expect(await step('status')).toContain(ticket!);

    // The admin reads it in private; the same command in a group reveals nothing.
    const group = '120363000000000097@g.us';
    const inGroup = await say(group, { author: ADMIN, body: `!laporan ${ticket}` });
    expect(inGroup).toEqual([ADMIN_ONLY_TEXT]);
    const privately = (await say(ADMIN, { body: `!laporan ${ticket}` })).join('\n');
    expect(privately).toContain(ticket!);
    expect(privately).toContain('Kanal: WhatsApp');
  });
});

describe('WhatsApp with a real Netra, as tried by hand', () => {
  const photoMessage = (from: string, caption: string, n: number) =>
    fakeMessage(client, {
      from,
      body: caption,
      type: 'image',
      hasMedia: true,
      media: { mimetype: 'image/png', data: Buffer.concat([pngBytes, Buffer.from([n])]).toString('base64') },
      _data: { size: pngBytes.length + 1, mimetype: 'image/png' },
    });

  it('acknowledges three photos sent at once with one message, keeping the caption', async () => {
    const user = '6281234500011@c.us';
    const step = async (body: string) => (await say(user, { body })).join('\n');
    await step('lapor');
    await step('1');
    await step('1');
    // A name that ends in a title's period is not followed by a second one.
    await step('Drs. Budi Santoso, M.Si.');
    // The name is given, so the agency step does not say that one of the three is required.
    const agency = await step('1');
    expect(agency).toContain('Terlapor — instansi');
    expect(agency).not.toContain('minimal satu');
    await step('1');
    expect(await step('1')).toContain('Tercatat — Drs. Budi Santoso, M.Si. Jika ada yang keliru');
    expect(await step('kemarin')).toContain('Kapan Anda mengetahuinya');
    await step('1');
    await step('Kantor Dinas Pendidikan Kabupaten Contoh');
    await step('Terlapor membagikan kaos calon kepada para guru saat rapat dinas di kantor.');
    expect(await step('selesai')).toContain('Langkah 7 dari 9');

    const before = client.sent.length;
    const photos = [photoMessage(user, 'Foto rapat', 1), photoMessage(user, '', 2), photoMessage(user, '', 3)];
    const turn = recorder.nextTurn();
    for (const p of photos) client.emit('message', p);
    await turn;
    await vi.waitFor(() => expect(client.sent.length).toBeGreaterThan(before), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const acks = client.sent.slice(before).filter((s) => s.chatId === user).map((s) => s.text);
    expect(acks).toHaveLength(1);
    expect(acks[0]).toContain('Bukti diterima: 3 berkas. Keterangan "Foto rapat"');
    expect(acks[0]).toContain('Sudah diterima: 3 berkas');
    expect(photos.map((p) => p.downloads)).toEqual([1, 1, 1]);
  });

  it('ends a numbered line after a follow-up question without a stray period', async () => {
    const user = '6281234500012@c.us';
    await say(user, { body: 'Bolehkah PNS like postingan caleg di Instagram?' });
    const sanction = (await say(user, { body: 'apa sanksinya?' })).join('\n');
    expect(sanction).toMatch(/untuk Bagaimana cara melaporkannya\?$/);
  });

  it('answers a bare mention or a greeting in a group with one short line', async () => {
    const group = '120363000000000096@g.us';
    const bare = await say(group, { author: '6281234500013@c.us', body: `@${BOT_NUMBER}`, mentionedIds: [`${BOT_NUMBER}@c.us`] });
    expect(bare).toHaveLength(1);
    expect(bare[0]!.split('\n')).toHaveLength(1);
    expect(bare[0]).toMatch(/^Halo/);
    expect(bare[0]).toContain('!tanya');
    const hello = await say(group, { author: '6281234500013@c.us', body: `@${BOT_NUMBER} halo`, mentionedIds: [`${BOT_NUMBER}@c.us`] });
    expect(hello).toEqual(bare);
  });

  it('greets a private "halo" without a verdict label or feedback numbers', async () => {
    const replies = await say('6281234500014@c.us', { body: 'halo' });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^Halo/);
    expect(replies[0]).not.toMatch(/DI LUAR TOPIK|Balas/);
  });
});
