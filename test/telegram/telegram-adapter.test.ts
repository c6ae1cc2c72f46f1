import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentTooLargeError } from '../../src/channels/telegram/index.js';
import type { IncomingMessage } from '../../src/conversation/messages.js';
import { hashUserId } from '../../src/logging/logger.js';
import { groupChat, user, type FakeCall } from '../support/fake-telegram-api.js';
import {
  isBalancedHtml,
  RecordingConversation,
  sampleAnswer,
  sleep,
  startHarness,
  textOf,
  type Harness,
} from './harness.js';

const GROUP = groupChat(-100200300, 'Grup Diskusi ASN');
const ALICE = user(1001, 'Alice');
const BUDI = user(1002, 'Budi');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startHarness>[0] = {}): Promise<Harness & { conversation: RecordingConversation }> {
  const conversation = options.conversation instanceof RecordingConversation ? options.conversation : new RecordingConversation();
  harness = await startHarness({ ...options, conversation });
  return harness as Harness & { conversation: RecordingConversation };
}

function keyboardOf(call: FakeCall): Array<Array<{ text: string; callback_data: string }>> | undefined {
  return (call.payload.reply_markup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> } | undefined)
    ?.inline_keyboard;
}

describe('Telegram adapter over real long polling', () => {
  it('answers a private question with the verdict, a cited quote and buttons', async () => {
    const h = await start();
    const since = h.fake.calls.length;
    h.fake.userSays('Bolehkah PNS like postingan caleg di Instagram?', { from: ALICE });

    const sent = await h.nextMessage(ALICE.id, since);
    const html = textOf(sent);
    expect(sent.payload.parse_mode).toBe('HTML');
    expect(html).toContain('⛔ <b>DILARANG</b>');
    expect(html).toContain('1. <b>PP 94/2021 tentang Disiplin PNS</b> — Pasal 5 huruf n angka 1');
    expect(html).toContain('<blockquote expandable>ikut kampanye;</blockquote>');
    expect(html).toContain('<a href="https://peraturan.bpk.go.id/Details/174495/pp-no-94-tahun-2021">');
    expect(html).toContain('• Bolehkah PNS hadir di acara kampanye?');
    expect(sent.payload.reply_parameters).toBeUndefined();
    expect(keyboardOf(sent)).toEqual([
      [
        { text: '👍', callback_data: 'feedback:up:q1' },
        { text: '👎', callback_data: 'feedback:down:q1' },
      ],
      [{ text: 'Laporkan pelanggaran', callback_data: 'report:start' }],
    ]);

    const typing = h.fake.callsTo('sendChatAction');
    expect(typing[0]?.payload).toMatchObject({ chat_id: ALICE.id, action: 'typing' });
    expect(h.fake.calls.indexOf(typing[0]!)).toBeLessThan(h.fake.calls.indexOf(sent));

    expect(h.conversation.received).toEqual([
      {
        channel: 'telegram',
        chatId: String(ALICE.id),
        userId: String(ALICE.id),
        isPrivate: true,
        isAdmin: false,
        text: 'Bolehkah PNS like postingan caleg di Instagram?',
        deliveryId: expect.stringMatching(/^\d+$/),
      },
    ]);
    expect(h.fake.callsTo('getUpdates').length).toBeGreaterThan(0);
  });

  it('ignores group chatter and answers a mention as a reply, without the mention', async () => {
    const h = await start();
    const since = h.fake.calls.length;
    h.fake.userSays('Ada yang tahu jadwal rapat besok?', { chat: GROUP, from: ALICE });
    h.fake.userSays('Kalau ada yang ikut kampanye gimana ya', { chat: GROUP, from: BUDI });
    const asking = h.fake.userSays('@NetraTestBot, bolehkah PNS jadi admin grup WA caleg?', { chat: GROUP, from: BUDI });

    const sent = await h.nextMessage(GROUP.id, since);
    await sleep(100);
    // Updates of one chat run in order, so the chatter was handled (and dropped) before.
    expect(h.conversation.received).toHaveLength(1);
    expect(h.conversation.received[0]).toMatchObject({
      chatId: String(GROUP.id),
      userId: String(BUDI.id),
      isPrivate: false,
      text: 'bolehkah PNS jadi admin grup WA caleg?',
    });
    expect(h.conversation.received[0]!.links?.report).toBe('https://t.me/NetraTestBot?start=lapor');
    expect(h.conversation.received[0]!.links?.fullAnswer('abc123', 'x')).toBe('https://t.me/NetraTestBot?start=aabc123');
    expect(sent.payload.reply_parameters).toMatchObject({ message_id: asking.message_id });
    expect(h.fake.callsTo('sendMessage')).toHaveLength(1);
    // A quick answer in a group shows no "typing…" to everyone there.
    expect(h.fake.callsTo('sendChatAction')).toHaveLength(0);
  });

  it('takes /tanya@BotName, replies to the bot and /lapor in a group; leaves other bots alone', async () => {
    const h = await start();
    let since = h.fake.calls.length;
    h.fake.userSays('/tanya@OtherBot bolehkah?', { chat: GROUP, from: ALICE });
    const tanya = h.fake.userSays('/tanya@NetraTestBot Bolehkah camat hadir deklarasi paslon?', { chat: GROUP, from: ALICE });
    const answer = await h.nextMessage(GROUP.id, since);
    expect(answer.payload.reply_parameters).toMatchObject({ message_id: tanya.message_id });
    expect(h.conversation.received.map((m) => m.text)).toEqual(['/tanya Bolehkah camat hadir deklarasi paslon?']);

    // With privacy mode on, a reply to the bot is what reaches it besides commands.
    since = h.fake.calls.length;
    const botMessage = h.fake.sentMessages(GROUP.id).at(-1)!;
    h.fake.userSays('Kalau hanya hadir tanpa atribut?', { chat: GROUP, from: BUDI, replyTo: botMessage });
    await h.nextMessage(GROUP.id, since);
    expect(h.conversation.received[1]).toMatchObject({ text: 'Kalau hanya hadir tanpa atribut?', userId: String(BUDI.id) });

    since = h.fake.calls.length;
    h.fake.userSays('/lapor', { chat: GROUP, from: BUDI });
    await h.nextMessage(GROUP.id, since);
    expect(h.conversation.received[2]).toMatchObject({ text: '/lapor', isPrivate: false });
    expect(h.conversation.received[2]!.links?.report).toBe('https://t.me/NetraTestBot?start=lapor');
  });

  it('turns the /start lapor deep link into /lapor in a private chat', async () => {
    const h = await start();
    const since = h.fake.calls.length;
    h.fake.userSays('/start lapor', { from: ALICE });
    await h.nextMessage(ALICE.id, since);
    expect(h.conversation.received[0]).toMatchObject({ text: '/lapor', isPrivate: true });
    expect(h.conversation.received[0]!.links).toBeUndefined();
  });

  it("escapes HTML from the user's message and from the corpus", async () => {
    const conversation = new RecordingConversation((m) => [
      {
        kind: 'answer',
        answer: sampleAnswer(m.text, {
          answer: `Anda bertanya: ${m.text}`,
          citations: [
            {
              sourceId: 'x',
              title: 'UU <ASN> & "Netralitas"',
              ref: 'Pasal 9 <ayat 2>',
              quote: 'Pegawai ASN harus bebas dari <pengaruh> & intervensi',
              url: 'https://example.go.id/a?b=1&c="2"',
            },
          ],
        }),
      },
      { kind: 'text', text: `Teks: ${m.text}` },
    ]);
    const h = await start({ conversation });
    const since = h.fake.calls.length;
    h.fake.userSays('<b>Halo</b> & <script>alert("x")</script>', { from: ALICE });
    const answer = await h.nextMessage(ALICE.id, since);
    const text = await h.nextMessage(ALICE.id, h.fake.calls.indexOf(answer) + 1);

    expect(textOf(answer)).toContain('Anda bertanya: &lt;b&gt;Halo&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(textOf(answer)).toContain('<b>UU &lt;ASN&gt; &amp; &quot;Netralitas&quot;</b> — Pasal 9 &lt;ayat 2&gt;');
    expect(textOf(answer)).toContain('bebas dari &lt;pengaruh&gt; &amp; intervensi');
    expect(textOf(answer)).toContain('<a href="https://example.go.id/a?b=1&amp;c=&quot;2&quot;">');
    expect(textOf(answer)).not.toContain('<script>');
    expect(isBalancedHtml(textOf(answer))).toBe(true);
    expect(textOf(text)).toBe('Teks: &lt;b&gt;Halo&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(text.payload.parse_mode).toBe('HTML');
  });

  it('splits a long answer into valid parts with the keyboard on the last', async () => {
    const paragraph = 'Netralitas ASN berarti tidak berpihak & tidak terpengaruh <kepentingan> politik apa pun. '.repeat(12);
    const conversation = new RecordingConversation((m) => [
      {
        kind: 'answer',
        answer: sampleAnswer(m.text, {
          answer: Array.from({ length: 8 }, () => paragraph).join('\n\n'),
          citations: Array.from({ length: 4 }, (_, i) => ({
            sourceId: `s${i}`,
            title: `Peraturan ${i + 1}`,
            ref: `Pasal ${i + 1}`,
            quote: 'Pegawai ASN dilarang memberikan dukungan kepada calon. '.repeat(30),
            url: `https://example.go.id/${i}`,
          })),
        }),
        choices: [
          { id: 'feedback:up:q9', label: '👍' },
          { id: 'feedback:down:q9', label: '👎' },
        ],
      },
    ]);
    const h = await start({ conversation });
    const since = h.fake.calls.length;
    h.fake.userSays('Jelaskan netralitas ASN selengkapnya', { from: ALICE });
    await h.fake.waitForCall('sendMessage', (c) => keyboardOf(c) !== undefined, { since });

    const parts = h.fake.callsTo('sendMessage');
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(textOf(part).length).toBeLessThanOrEqual(4096);
      expect(isBalancedHtml(textOf(part))).toBe(true);
      expect(part.payload.parse_mode).toBe('HTML');
    }
    expect(parts.slice(0, -1).every((p) => p.payload.reply_markup === undefined)).toBe(true);
    expect(keyboardOf(parts.at(-1)!)?.flat().map((b) => b.callback_data)).toEqual(['feedback:up:q9', 'feedback:down:q9']);
    const all = parts.map(textOf).join('\n\n');
    expect(all.indexOf('<b>DILARANG</b>')).toBe(2);
    expect(all.match(/<blockquote expandable>/g)!.length).toBeGreaterThanOrEqual(4);
  });

  it('falls back to plain text when a Bot API server cannot parse the markup', async () => {
    const h = await start();
    h.fake.failNext('sendMessage', 1, {
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "blockquote expandable" at byte offset 120',
    });
    const since = h.fake.calls.length;
    h.fake.userSays('Bolehkah ASN <menjadi> tim sukses?', { from: ALICE });
    const first = await h.nextMessage(ALICE.id, since);
    const plain = await h.nextMessage(ALICE.id, h.fake.calls.indexOf(first) + 1);
    expect(first.payload.parse_mode).toBe('HTML');
    expect(plain.payload.parse_mode).toBeUndefined();
    expect(textOf(plain)).toContain('⛔ DILARANG');
    expect(textOf(plain)).toContain('ikut kampanye;');
    expect(textOf(plain)).not.toMatch(/<\/?(b|blockquote|a)\b/);
    expect(keyboardOf(plain)).toBeDefined();
  });

  it('answers inside the forum topic the question came from, "typing…" there too when the answer is slow', async () => {
    const slow = new RecordingConversation(async (m) => {
      await sleep(300);
      return [{ kind: 'text', text: `Jawaban: ${m.text}` }];
    });
    const h = await start({ conversation: slow, groupTypingDelayMs: 50 });
    const since = h.fake.calls.length;
    h.fake.userSays('/tanya@NetraTestBot bolehkah?', { chat: { ...GROUP, is_forum: true }, from: ALICE, isTopicMessage: true, threadId: 42 });
    const sent = await h.nextMessage(GROUP.id, since);
    expect(sent.payload.message_thread_id).toBe(42);
    expect(h.fake.callsTo('sendChatAction')[0]?.payload).toMatchObject({ message_thread_id: 42 });
  });

  it('retries a sendMessage refused with 429 and the answer still arrives', async () => {
    const h = await start();
    h.fake.failNext('sendMessage', 1, { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const since = h.fake.calls.length;
    const started = Date.now();
    h.fake.userSays('Bolehkah ASN memasang baliho calon?', { from: ALICE });
    await h.fake.waitForCall('sendMessage', () => true, { since, timeoutMs: 8000 });
    await h.fake.waitForCall('sendMessage', () => true, { since: h.fake.calls.indexOf(h.fake.callsTo('sendMessage')[0]!) + 1, timeoutMs: 8000 });

    const sends = h.fake.callsTo('sendMessage');
    expect(sends).toHaveLength(2);
    expect(textOf(sends[1]!)).toBe(textOf(sends[0]!));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(h.fake.sentMessages(ALICE.id)).toHaveLength(1);
  });

  it('passes isAdmin so /reindex from a non-admin is refused and from an admin runs', async () => {
    const h = await start({ adminIds: [String(BUDI.id)] });
    let since = h.fake.calls.length;
    h.fake.userSays('/reindex', { from: ALICE });
    const refused = await h.nextMessage(ALICE.id, since);
    expect(textOf(refused)).toBe('Maaf, perintah /reindex hanya untuk admin Netra.');
    expect(h.conversation.reindexRuns).toEqual([]);
    expect(h.conversation.received[0]).toMatchObject({ text: '/reindex', isAdmin: false });

    since = h.fake.calls.length;
    h.fake.userSays('/reindex@NetraTestBot', { from: BUDI });
    const done = await h.nextMessage(BUDI.id, since);
    expect(textOf(done)).toBe('Indeks pengetahuan selesai dibangun ulang.');
    expect(h.conversation.received[1]).toMatchObject({ text: '/reindex', isAdmin: true });
    expect(h.conversation.reindexRuns).toEqual([String(BUDI.id)]);
  });

  it('turns a pressed button into a choiceId, also for ids over 64 bytes', async () => {
    const longId = `report:category:${'kampanye-di-media-sosial-'.repeat(4)}`;
    const conversation = new RecordingConversation((m) =>
      m.choiceId
        ? [{ kind: 'text', text: `Pilihan: ${m.choiceId}` }]
        : [{ kind: 'text', text: 'Pilih kategori:', choices: [{ id: longId, label: 'Kampanye di media sosial' }] }],
    );
    const h = await start({ conversation });
    let since = h.fake.calls.length;
    h.fake.userSays('/lapor', { from: ALICE });
    const menu = await h.nextMessage(ALICE.id, since);
    const data = keyboardOf(menu)![0]![0]!.callback_data;
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    since = h.fake.calls.length;
    const queryId = h.fake.pressButton(h.fake.sentMessages(ALICE.id).at(-1)!, data, ALICE);
    const reply = await h.nextMessage(ALICE.id, since);
    expect(textOf(reply)).toBe(`Pilihan: ${longId}`);
    expect(h.conversation.received[1]).toEqual({
      channel: 'telegram',
      chatId: String(ALICE.id),
      userId: String(ALICE.id),
      isPrivate: true,
      isAdmin: false,
      text: '',
      choiceId: longId,
      // Telegram's update_id: a redelivered update carries the same one.
      deliveryId: expect.stringMatching(/^\d+$/),
    });
    const answered = h.fake.callsTo('answerCallbackQuery');
    expect(answered[0]?.payload).toMatchObject({ callback_query_id: queryId });
    expect(h.fake.calls.indexOf(answered[0]!)).toBeLessThan(h.fake.calls.indexOf(reply));

    // A token the bot no longer knows (e.g. after a restart) gets a toast, not a conversation turn.
    since = h.fake.calls.length;
    h.fake.pressButton(h.fake.sentMessages(ALICE.id).at(-1)!, '~tzzz', ALICE);
    const expired = await h.fake.waitForCall('answerCallbackQuery', () => true, { since });
    expect(String(expired.payload.text)).toContain('tidak berlaku');
    expect(h.conversation.received).toHaveLength(2);
  });

  it('hands a photo to the conversation as an attachment that downloads the largest size', async () => {
    const loaded: Buffer[] = [];
    const conversation = new RecordingConversation(async (m) => {
      for (const a of m.attachments ?? []) loaded.push(await a.load());
      return [{ kind: 'text', text: `Bukti diterima: ${m.attachments?.length ?? 0} berkas.` }];
    });
    const h = await start({ conversation });
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const since = h.fake.calls.length;
    h.fake.userSendsPhoto(bytes, { from: ALICE, caption: 'Foto camat di panggung kampanye' });
    const reply = await h.nextMessage(ALICE.id, since);

    expect(textOf(reply)).toBe('Bukti diterima: 1 berkas.');
    const got: IncomingMessage = h.conversation.received[0]!;
    expect(got.text).toBe('Foto camat di panggung kampanye');
    expect(got.attachments).toHaveLength(1);
    expect(got.attachments![0]).toMatchObject({ kind: 'photo', mimeType: 'image/jpeg', size: bytes.length });
    expect(loaded).toEqual([bytes]);
    expect(h.fake.callsTo('getFile')).toHaveLength(1);
  });

  it('refuses files over maxFileBytes before downloading them', async () => {
    const outcomes: unknown[] = [];
    const conversation = new RecordingConversation(async (m) => {
      for (const a of m.attachments ?? []) outcomes.push(await a.load().catch((e: unknown) => e));
      return [{ kind: 'text', text: 'ok' }];
    });
    const h = await start({ conversation, maxFileBytes: 1024 });
    let since = h.fake.calls.length;
    // Telegram says 5 MB up front: nothing is fetched.
    h.fake.userSendsDocument(Buffer.from('kecil'), 'bukti.pdf', 'application/pdf', { from: ALICE, reportedSize: 5 * 1024 * 1024 });
    await h.nextMessage(ALICE.id, since);
    expect(outcomes[0]).toBeInstanceOf(AttachmentTooLargeError);
    expect(h.fake.callsTo('getFile')).toHaveLength(0);
    expect(h.conversation.received[0]!.attachments![0]).toMatchObject({ kind: 'document', fileName: 'bukti.pdf', mimeType: 'application/pdf' });

    // Telegram under-reports: the download itself is cut off at the limit.
    since = h.fake.calls.length;
    h.fake.userSendsDocument(Buffer.alloc(4096, 1), 'video.mp4', 'video/mp4', { from: ALICE, reportedSize: 100 });
    await h.nextMessage(ALICE.id, since);
    expect(outcomes[1]).toBeInstanceOf(AttachmentTooLargeError);
    expect(String((outcomes[1] as Error).message)).toContain('Berkas terlalu besar');
  });

  it('logs a failing conversation with a hashed user id, apologises, and keeps answering', async () => {
    let calls = 0;
    const conversation = new RecordingConversation((m) => {
      calls += 1;
      if (calls === 1) throw new Error('indeks rusak');
      return [{ kind: 'text', text: `Jawaban untuk: ${m.text}` }];
    });
    const h = await start({ conversation });
    let since = h.fake.calls.length;
    h.fake.userSays('Pertanyaan pertama', { from: ALICE });
    const apology = await h.nextMessage(ALICE.id, since);
    expect(textOf(apology)).toContain('Maaf, terjadi gangguan');

    const failure = h.logs.find((l) => l.msg === 'gagal memproses pesan Telegram');
    expect(failure).toMatchObject({ level: 50, user: hashUserId('telegram', String(ALICE.id)), error: { message: 'indeks rusak' } });
    expect(JSON.stringify(h.logs)).not.toContain('Pertanyaan pertama');
    expect(JSON.stringify(h.logs)).not.toContain(`"${ALICE.id}"`);

    since = h.fake.calls.length;
    h.fake.userSays('Pertanyaan kedua', { from: BUDI });
    expect(textOf(await h.nextMessage(BUDI.id, since))).toBe('Jawaban untuk: Pertanyaan kedua');
  });
});
