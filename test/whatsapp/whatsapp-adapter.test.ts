import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Answer } from '../../src/answer/answer-contract.js';
import { WHATSAPP_MAX_MESSAGE_CHARS } from '../../src/channels/whatsapp/format-answer-whatsapp.js';
import {
  startWhatsApp,
  WHATSAPP_FAILURE_TEXT,
  WHATSAPP_QR_FILE,
  type WhatsAppChannel,
  type WhatsAppDeps,
} from '../../src/channels/whatsapp/whatsapp-channel.js';
import { AttachmentTooLargeError, type IncomingMessage, type OutgoingMessage } from '../../src/conversation/messages.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import { silentLogger } from '../../src/logging/logger.js';
import {
  BOT_LID,
  BOT_NUMBER,
  FakeWhatsAppClient,
  fakeMessage,
  RecordingConversation,
  settle,
} from './fake-whatsapp.js';

const USER = '6281234567890@c.us';
const GROUP = '120363000000000001@g.us';
const MEMBER = '6285700000002@c.us';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

interface Started {
  client: FakeWhatsAppClient;
  notifiers: NotifierRegistry;
  dataDir: string;
  channel: WhatsAppChannel;
}

async function start(
  conversation: WhatsAppDeps['conversation'],
  overrides: Partial<WhatsAppDeps> & { adminIds?: string[]; ready?: boolean; client?: FakeWhatsAppClient } = {},
): Promise<Started> {
  const notifiers = new NotifierRegistry();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'netra-wa-'));
  const { adminIds = [], ready = true, client = new FakeWhatsAppClient(), ...rest } = overrides;
  const channel = await startWhatsApp({
    config: { chromiumPath: '/nonexistent/chromium', adminIds, authDir: path.join(dataDir, 'whatsapp-auth') },
    dataDir,
    conversation,
    notifiers,
    logger: silentLogger(),
    maxFileBytes: 1024 * 1024,
    clientFactory: () => client,
    printQr: () => undefined,
    ...rest,
  });
  cleanups.push(async () => {
    await channel.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  if (ready) {
    client.becomeReady();
    await settle();
  }
  return { client, notifiers, dataDir, channel };
}

const sampleAnswer: Answer = {
  question: 'Bolehkah PNS like postingan caleg di Instagram?',
  verdict: 'dilarang',
  answer: 'PNS **dilarang** memberikan tanda suka pada unggahan calon legislatif.',
  citations: [
    {
      sourceId: 'se-kasn-2023',
      title: 'SE Bersama Netralitas ASN 2023',
      ref: 'Huruf d angka 4',
      quote: 'memberikan tanggapan atau dukungan (like, comment, share)',
      url: 'https://example.go.id/se-netralitas',
    },
  ],
  escalate: false,
  followUps: ['Bolehkah PNS mengikuti akun caleg?'],
  language: 'id',
};

describe('WhatsApp adapter: who gets an answer', () => {
  it('answers a private question with the verdict, the quote and the link, via sendMessage', async () => {
    const conversation = new RecordingConversation(() => [{ kind: 'answer', answer: sampleAnswer }]);
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: USER, body: 'Bolehkah PNS like postingan caleg di Instagram?' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));

    expect(conversation.received[0]).toMatchObject({
      channel: 'whatsapp',
      chatId: USER,
      userId: USER,
      isPrivate: true,
      isAdmin: false,
      text: 'Bolehkah PNS like postingan caleg di Instagram?',
    });
    const [sent] = client.sent;
    expect(sent!.chatId).toBe(USER);
    expect(sent!.quotedId).toBeUndefined();
    expect(sent!.text).toContain('⛔ *DILARANG*');
    expect(sent!.text).toContain('PNS *dilarang* memberikan');
    expect(sent!.text).toContain('1. *SE Bersama Netralitas ASN 2023* — Huruf d angka 4');
    expect(sent!.text).toContain('> memberikan tanggapan atau dukungan (like, comment, share)');
    expect(sent!.text).toContain('https://example.go.id/se-netralitas');
    expect(sent!.text).toContain('• Bolehkah PNS mengikuti akun caleg?');
  });

  it('answers a group message that mentions the bot by its phone-number id, quoting the question', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    const message = fakeMessage(client, {
      from: GROUP,
      author: MEMBER,
      body: `@${BOT_NUMBER} bolehkah ASN hadir di kampanye?`,
      mentionedIds: [`${BOT_NUMBER}@c.us`],
    });
    client.emit('message', message);
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));

    expect(conversation.received[0]).toMatchObject({
      chatId: GROUP,
      userId: MEMBER,
      isPrivate: false,
      text: 'bolehkah ASN hadir di kampanye?',
    });
    expect(conversation.received[0]!.links?.report).toBe(`https://wa.me/${BOT_NUMBER}?text=lapor`);
    expect(conversation.received[0]!.links?.fullAnswer('t', 'Bolehkah ASN hadir?')).toBe(`https://wa.me/${BOT_NUMBER}?text=Bolehkah%20ASN%20hadir%3F`);
    expect(client.sent[0]).toMatchObject({ chatId: GROUP, quotedId: message.id._serialized });
  });

  it('answers a group mention that carries the bot LID (learned on ready)', async () => {
    const conversation = new RecordingConversation();
    const client = new FakeWhatsAppClient();
    client.ownLid = `${BOT_LID}@lid`;
    await start(conversation, { client });

    client.emit(
      'message',
      fakeMessage(client, {
        from: GROUP,
        author: '190000000000077@lid',
        body: `@${BOT_LID} apakah ASN boleh jadi admin grup relawan?`,
        mentionedIds: [`${BOT_LID}@lid`],
      }),
    );
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    expect(conversation.received[0]!.text).toBe('apakah ASN boleh jadi admin grup relawan?');
    expect(conversation.received[0]!.userId).toBe('190000000000077@lid');
  });

  it('answers a group mention by an unknown LID once WhatsApp resolves it to the bot number', async () => {
    const conversation = new RecordingConversation();
    const client = new FakeWhatsAppClient();
    client.lidToPhone.set(`${BOT_LID}@lid`, `${BOT_NUMBER}@c.us`);
    await start(conversation, { client });

    const ask = (body: string) =>
      fakeMessage(client, { from: GROUP, author: MEMBER, body: `@${BOT_LID} ${body}`, mentionedIds: [`${BOT_LID}@lid`] });
    client.emit('message', ask('pertanyaan pertama'));
    client.emit('message', ask('pertanyaan kedua'));
    await vi.waitFor(() => expect(client.sent).toHaveLength(2));
    expect(conversation.received.map((m) => m.text)).toEqual(['pertanyaan pertama', 'pertanyaan kedua']);
    // The LID is remembered after the first look-up (the second look-up on ready was for the bot itself).
    expect(client.lidLookups).toBe(2);
  });

  it('ignores a group message without a mention, a quote of the bot or a command', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: GROUP, author: MEMBER, body: 'Besok rapat jam 9 ya' }));
    client.emit(
      'message',
      fakeMessage(client, { from: GROUP, author: MEMBER, body: '@6289999999999 tolong cek', mentionedIds: ['6289999999999@c.us'] }),
    );
    client.emit(
      'message',
      fakeMessage(client, { from: GROUP, author: MEMBER, body: 'setuju', hasQuotedMsg: true, quoted: { fromMe: false, author: MEMBER } }),
    );
    // A later addressed message in the same chat is queued behind the others, so once it is
    // answered the earlier ones have certainly been looked at.
    client.emit(
      'message',
      fakeMessage(client, { from: GROUP, author: MEMBER, body: `@${BOT_NUMBER} halo`, mentionedIds: [`${BOT_NUMBER}@c.us`] }),
    );
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    await settle();
    expect(conversation.received.map((m) => m.text)).toEqual(['halo']);
  });

  it('answers a group reply that quotes one of the bot messages', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    client.emit(
      'message',
      fakeMessage(client, {
        from: GROUP,
        author: MEMBER,
        body: 'Kalau hanya menyimak siaran langsungnya?',
        hasQuotedMsg: true,
        quoted: { fromMe: true },
      }),
    );
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    expect(conversation.received[0]!.text).toBe('Kalau hanya menyimak siaran langsungnya?');
  });

  it('answers !tanya and the other ! commands in a group without a mention, passing them as written', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    for (const body of ['!tanya bolehkah ASN foto bersama caleg?', '!status NTR-2024-0001', '/LAPOR', '!bantuan']) {
      client.emit('message', fakeMessage(client, { from: GROUP, author: MEMBER, body }));
    }
    await vi.waitFor(() => expect(client.sent).toHaveLength(4));
    expect(conversation.received.map((m) => m.text)).toEqual(['!tanya bolehkah ASN foto bersama caleg?', '!status NTR-2024-0001', '/LAPOR', '!bantuan']);
    expect(conversation.received[2]!.links?.report).toBe(`https://wa.me/${BOT_NUMBER}?text=lapor`);
    // Plain words are chatter in a group: "lapor" alone is not a command there.
    client.emit('message', fakeMessage(client, { from: GROUP, author: MEMBER, body: 'lapor' }));
    client.emit('message', fakeMessage(client, { from: GROUP, author: MEMBER, body: '!unknownword' }));
    client.emit('message', fakeMessage(client, { from: GROUP, author: MEMBER, body: `@${BOT_NUMBER} halo`, mentionedIds: [`${BOT_NUMBER}@c.us`] }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(5));
    expect(conversation.received.map((m) => m.text).at(-1)).toBe('halo');
    expect(conversation.received).toHaveLength(5);
  });

  it('passes private text unchanged: commands and keywords are read by the conversation', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    for (const body of ['!lapor', 'lapor', '/sumber', 'Apa itu netralitas ASN?']) {
      client.emit('message', fakeMessage(client, { from: USER, body }));
    }
    await vi.waitFor(() => expect(client.sent).toHaveLength(4));
    expect(conversation.received.map((m) => m.text)).toEqual(['!lapor', 'lapor', '/sumber', 'Apa itu netralitas ASN?']);
  });

  it('ignores status broadcasts, its own messages and messages sent before it started', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: 'status@broadcast', author: MEMBER, body: 'status', isStatus: true }));
    client.emit('message', fakeMessage(client, { from: USER, body: 'pesan saya sendiri', fromMe: true }));
    client.emit('message', fakeMessage(client, { from: USER, body: 'pesan lama', timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    client.emit('message', fakeMessage(client, { from: USER, body: 'pesan baru' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    await settle();
    expect(conversation.received.map((m) => m.text)).toEqual(['pesan baru']);
  });

  it('sets isAdmin from WHATSAPP_ADMIN_IDS in any common spelling, also for a LID sender', async () => {
    const conversation = new RecordingConversation();
    const client = new FakeWhatsAppClient();
    client.lidToPhone.set('190000000000055@lid', '6281298765432@c.us');
    await start(conversation, { client, adminIds: ['0812-3456-7890', '+62 812 9876 5432'] });

    client.emit('message', fakeMessage(client, { from: USER, body: '/laporan' }));
    client.emit('message', fakeMessage(client, { from: '190000000000055@lid', body: '/statistik' }));
    client.emit('message', fakeMessage(client, { from: '6285700000009@c.us', body: '/laporan' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(3));
    const byChat = new Map(conversation.received.map((m) => [m.chatId, m.isAdmin]));
    expect(byChat.get(USER)).toBe(true);
    expect(byChat.get('190000000000055@lid')).toBe(true);
    expect(byChat.get('6285700000009@c.us')).toBe(false);
  });
});

describe('WhatsApp adapter: rendering', () => {
  it('splits a long answer into several messages, each within the limit', async () => {
    const paragraph = `${'Aparatur sipil negara wajib menjaga netralitas dalam setiap tahapan pemilihan umum. '.repeat(8)}`;
    const longAnswer: Answer = { ...sampleAnswer, answer: Array.from({ length: 40 }, () => paragraph).join('\n\n') };
    const conversation = new RecordingConversation(() => [{ kind: 'answer', answer: longAnswer }]);
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: USER, body: 'pertanyaan panjang' }));
    await vi.waitFor(() => expect(client.sent.length).toBeGreaterThan(1));
    await settle();
    const texts = client.textsTo(USER);
    expect(texts.length).toBeGreaterThanOrEqual(Math.ceil(longAnswer.answer.length / WHATSAPP_MAX_MESSAGE_CHARS));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(WHATSAPP_MAX_MESSAGE_CHARS);
    expect(texts[0]).toMatch(/^⛔ \*DILARANG\*/);
    expect(texts.at(-1)).toContain('> memberikan tanggapan');
  });

  it('offers choices as numbers, in the language of the message, and passes a numeric reply as typed', async () => {
    const conversation = new RecordingConversation((m) =>
      m.text === '2'
        ? [{ kind: 'ack', text: 'Terima kasih.' }]
        : [
            {
              kind: 'answer',
              answer: { ...sampleAnswer, language: m.text.startsWith('May') ? 'en' : 'id' },
              choices: [
                { id: 'feedback:up:42', label: '👍 Membantu' },
                { id: 'feedback:down:42', label: '👎 Kurang membantu' },
                { id: 'ask:Bolehkah PNS mengikuti akun caleg?', label: 'Bolehkah PNS mengikuti akun caleg?' },
              ],
            },
          ],
    );
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: USER, body: 'Bolehkah ASN like postingan caleg?' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    expect(client.sent[0]!.text).toContain('Balas *1* untuk 👍 Membantu, *2* untuk 👎 Kurang membantu, atau *3* untuk Bolehkah PNS mengikuti akun caleg?');
    // Offered as a number, the follow-up is not listed twice.
    expect(client.sent[0]!.text).not.toContain('Pertanyaan terkait');

    client.emit('message', fakeMessage(client, { from: USER, body: '2' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(2));
    expect(conversation.received[1]).toMatchObject({ text: '2' });
    expect(conversation.received[1]!.choiceId).toBeUndefined();
    expect(client.sent[1]!.text).toBe('Terima kasih.');

    client.emit('message', fakeMessage(client, { from: USER, body: 'May a civil servant like a post?' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(3));
    expect(client.sent[2]!.text).toContain('Reply *1* for 👍 Membantu');
  });
});

describe('WhatsApp adapter: evidence', () => {
  it('passes a photo with its caption as an attachment whose load() returns the bytes', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);
    const bytes = Buffer.from('\x89PNG\r\n\x1a\nbukti foto kampanye');

    const message = fakeMessage(client, {
      from: USER,
      type: 'image',
      hasMedia: true,
      body: 'Foto kepala dinas di panggung kampanye',
      media: { mimetype: 'image/png', data: bytes.toString('base64'), filesize: bytes.length },
      _data: { size: bytes.length, mimetype: 'image/png' },
    });
    client.emit('message', message);
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));

    const incoming = conversation.received[0]!;
    expect(incoming.text).toBe('Foto kepala dinas di panggung kampanye');
    expect(incoming.attachments).toHaveLength(1);
    const [attachment] = incoming.attachments!;
    expect(attachment).toMatchObject({ kind: 'photo', mimeType: 'image/png', size: bytes.length });
    expect(message.downloads).toBe(0);
    expect(Buffer.compare(await attachment!.load(), bytes)).toBe(0);
    expect(message.downloads).toBe(1);
  });

  it('maps voice notes, documents, video and audio to their attachment kinds; files sent together go on as one message', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);
    const data = Buffer.from('x').toString('base64');
    for (const type of ['ptt', 'document', 'video', 'audio']) {
      client.emit(
        'message',
        fakeMessage(client, { from: USER, type, hasMedia: true, media: { mimetype: 'application/octet-stream', data } }),
      );
    }
    await vi.waitFor(() => expect(client.sent).toHaveLength(1));
    expect(conversation.received).toHaveLength(1);
    expect(conversation.received[0]!.attachments?.map((a) => a.kind)).toEqual(['voice', 'document', 'video', 'audio']);
  });

  it('hands on photos sent together before a text that follows them at once', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation);
    const data = Buffer.from('x').toString('base64');
    for (let i = 0; i < 2; i++) {
      client.emit('message', fakeMessage(client, { from: USER, type: 'image', body: i === 0 ? 'Foto' : '', hasMedia: true, media: { mimetype: 'image/png', data } }));
    }
    client.emit('message', fakeMessage(client, { from: USER, body: 'selesai' }));
    await vi.waitFor(() => expect(conversation.received).toHaveLength(2));
    expect(conversation.received.map((m) => [m.text, m.attachments?.length ?? 0])).toEqual([
      ['Foto', 2],
      ['selesai', 0],
    ]);
  });

  it('refuses an oversized file before downloading when the size is known, and after decoding otherwise', async () => {
    const conversation = new RecordingConversation();
    const { client } = await start(conversation, { maxFileBytes: 1024 });

    const announced = fakeMessage(client, {
      from: USER,
      type: 'video',
      hasMedia: true,
      _data: { size: 50 * 1024 * 1024, mimetype: 'video/mp4' },
      media: { mimetype: 'video/mp4', data: Buffer.alloc(10).toString('base64') },
    });
    const unannounced = fakeMessage(client, {
      from: USER,
      type: 'document',
      hasMedia: true,
      media: { mimetype: 'application/pdf', data: Buffer.alloc(4096).toString('base64') },
    });
    client.emit('message', announced);
    client.emit('message', unannounced);
    await vi.waitFor(() => expect(conversation.received).toHaveLength(1));
    const [first, second] = conversation.received[0]!.attachments!;

    await expect(first!.load()).rejects.toBeInstanceOf(AttachmentTooLargeError);
    expect(announced.downloads).toBe(0);
    await expect(second!.load()).rejects.toThrow(/terlalu besar/);
    expect(unannounced.downloads).toBe(1);
  });
});

describe('WhatsApp adapter: connection', () => {
  it('writes the pairing QR as a PNG in the data directory and prints it', async () => {
    const printed: string[] = [];
    const { client, dataDir } = await start(new RecordingConversation(), { ready: false, printQr: (qr) => printed.push(qr) });

    client.emit('qr', '2@pairing-code-for-test,abc,def');
    const file = path.join(dataDir, WHATSAPP_QR_FILE);
    await vi.waitFor(async () => expect((await stat(file)).size).toBeGreaterThan(0));
    const png = await readFile(file);
    expect(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    expect(printed).toEqual(['2@pairing-code-for-test,abc,def']);
  });

  it('registers the notifier on ready, drops it on disconnect, re-initialises with backoff and registers again', async () => {
    const { client, notifiers } = await start(new RecordingConversation(), { reconnect: { baseMs: 5, maxMs: 20 } });
    expect(client.initializeCalls).toBe(1);
    expect(await notifiers.send('whatsapp', USER, 'Status laporan NTR-1 berubah.')).toBe(true);
    expect(client.textsTo(USER)).toEqual(['Status laporan NTR-1 berubah.']);

    client.emit('disconnected', 'NAVIGATION');
    expect(await notifiers.send('whatsapp', USER, 'tidak terkirim')).toBe(false);
    await vi.waitFor(() => expect(client.initializeCalls).toBe(2));
    expect(client.destroyCalls).toBeGreaterThanOrEqual(1);

    client.becomeReady();
    expect(await notifiers.send('whatsapp', USER, 'terkirim lagi')).toBe(true);
    expect(client.textsTo(USER)).toEqual(['Status laporan NTR-1 berubah.', 'terkirim lagi']);
  });

  it('after a logout leaves re-pairing to whatsapp-web.js instead of restarting the browser', async () => {
    const { client, notifiers } = await start(new RecordingConversation(), { reconnect: { baseMs: 1, maxMs: 1 } });
    client.emit('disconnected', 'LOGOUT');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.initializeCalls).toBe(1);
    expect(await notifiers.send('whatsapp', USER, 'x')).toBe(false);
  });

  it('retries a failing start with a doubling delay, and resets the delay on ready', async () => {
    const delays: number[] = [];
    const pending: Array<() => void> = [];
    const client = new FakeWhatsAppClient();
    let failures = 2;
    client.initialize = async () => {
      client.initializeCalls += 1;
      if (failures-- > 0) throw new Error('net::ERR_NAME_NOT_RESOLVED at https://web.whatsapp.com/');
    };
    await start(new RecordingConversation(), {
      client,
      ready: false,
      reconnect: { baseMs: 5_000, maxMs: 300_000 },
      timers: {
        setTimeout: (fn, ms) => {
          delays.push(ms);
          pending.push(fn);
          return pending.length;
        },
        clearTimeout: () => undefined,
      },
    });
    const fire = async () => {
      pending.shift()!();
      await settle();
    };
    await settle();
    await fire();
    await fire();
    expect(client.initializeCalls).toBe(3);
    expect(delays).toEqual([5_000, 10_000]);

    client.becomeReady();
    client.emit('disconnected', 'CONFLICT');
    expect(delays).toEqual([5_000, 10_000, 5_000]);
  });

  it('keeps answering after the conversation throws on one message', async () => {
    const conversation = new RecordingConversation((m) => {
      if (m.text === 'rusak') throw new Error('database is locked');
      return [{ kind: 'text', text: `ok: ${m.text}` }];
    });
    const { client } = await start(conversation);

    client.emit('message', fakeMessage(client, { from: USER, body: 'rusak' }));
    client.emit('message', fakeMessage(client, { from: USER, body: 'berikutnya' }));
    await vi.waitFor(() => expect(client.sent).toHaveLength(2));
    expect(client.textsTo(USER)).toEqual([WHATSAPP_FAILURE_TEXT, 'ok: berikutnya']);
  });

  it('keeps the order within one chat while another chat is not blocked by a slow answer', async () => {
    const gates = new Map<string, () => void>();
    const conversation = new RecordingConversation(async (m: IncomingMessage): Promise<OutgoingMessage[]> => {
      if (m.text === 'lambat') await new Promise<void>((resolve) => gates.set(m.text, resolve));
      return [{ kind: 'text', text: `jawab: ${m.text}` }];
    });
    const { client } = await start(conversation);
    const other = '6285700000003@c.us';

    client.emit('message', fakeMessage(client, { from: USER, body: 'lambat' }));
    client.emit('message', fakeMessage(client, { from: USER, body: 'sesudahnya' }));
    client.emit('message', fakeMessage(client, { from: other, body: 'chat lain' }));

    await vi.waitFor(() => expect(client.textsTo(other)).toEqual(['jawab: chat lain']));
    expect(client.textsTo(USER)).toEqual([]);
    expect(conversation.received.map((m) => m.text)).not.toContain('sesudahnya');

    gates.get('lambat')!();
    await vi.waitFor(() => expect(client.textsTo(USER)).toEqual(['jawab: lambat', 'jawab: sesudahnya']));
  });

  it('survives a failing send and stops cleanly', async () => {
    const conversation = new RecordingConversation();
    const { client, channel, notifiers } = await start(conversation);
    client.failSends = true;
    client.emit('message', fakeMessage(client, { from: USER, body: 'halo' }));
    await vi.waitFor(() => expect(conversation.received).toHaveLength(1));
    await settle();
    client.failSends = false;
    client.emit('message', fakeMessage(client, { from: USER, body: 'lagi' }));
    await vi.waitFor(() => expect(client.textsTo(USER)).toEqual(['Jawaban untuk: lagi']));

    await channel.stop();
    expect(client.destroyCalls).toBe(1);
    expect(await notifiers.send('whatsapp', USER, 'x')).toBe(false);
  });
});
