import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatAnswerHtml, formatTextHtml } from '../../src/channels/telegram/index.js';
import { ADMIN_ONLY_TEXT } from '../../src/conversation/admin-commands.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { RATE_LIMITED_TEXT } from '../../src/conversation/rate-limiter.js';
import { createTestApp } from '../support/test-app.js';
import { DEFAULT_TOKEN, groupChat, user, type FakeCall } from '../support/fake-telegram-api.js';
import { sleep, startHarness, textOf, type Harness } from './harness.js';
import type { Chat, Message } from 'grammy/types';

/** Passes everything to the real conversation and lets the test know when a turn's replies are known. */
class TurnRecorder implements ConversationHandler {
  private waiting: Array<(out: OutgoingMessage[]) => void> = [];
  constructor(private readonly inner: ConversationHandler) {}
  async handle(message: IncomingMessage): Promise<OutgoingMessage[]> {
    const out = await this.inner.handle(message);
    this.waiting.shift()?.(out);
    return out;
  }
  nextTurn(): Promise<OutgoingMessage[]> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** How many sendMessage calls the adapter makes for a turn (mirrors its rendering). */
function sendsFor(out: OutgoingMessage[]): number {
  return out.reduce((n, o) => {
    if (o.kind === 'ack') return n;
    const choices = o.choices ?? [];
    if (o.kind === 'answer') {
      if (o.brief) return n + 1;
      return n + formatAnswerHtml(o.answer, undefined, { followUpsAsButtons: choices.some((c) => c.id.startsWith('ask:')) }).length;
    }
    return n + Math.max(choices.length > 0 ? 1 : 0, formatTextHtml(o.text).length);
  }, 0);
}

type Button = { text: string; callback_data?: string; url?: string };
function buttonsOf(call: FakeCall | Message): Button[] {
  const markup = 'payload' in call ? call.payload.reply_markup : call.reply_markup;
  return ((markup as { inline_keyboard?: Button[][] } | undefined)?.inline_keyboard ?? []).flat();
}

const REPORTER = user(5005, 'Sari');
const ADMIN = user(6006, 'Admin');
const MEMBER = user(7007, 'Rina');
const GROUP = groupChat(-100200300, 'Grup Diskusi ASN');
const ADMIN_GROUP = groupChat(-100777, 'Admin Netra');

describe('Telegram adapter with the real Netra', () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let harness: Harness;
  let recorder: TurnRecorder;

  beforeAll(async () => {
    app = await createTestApp({
      TELEGRAM_BOT_TOKEN: DEFAULT_TOKEN,
      TELEGRAM_ADMIN_IDS: String(ADMIN.id),
      ADMIN_CHAT_ID: String(ADMIN_GROUP.id),
      // One person plays many turns here; the limit has its own test below.
      RATE_LIMIT_PER_MINUTE: '1000',
    });
    recorder = new TurnRecorder(app.conversation);
    harness = await startHarness({
      conversation: recorder,
      notifiers: app.notifiers,
      adminIds: [String(ADMIN.id)],
      adminChatId: String(ADMIN_GROUP.id),
      prepare: (fake) => fake.knowChat(ADMIN_GROUP),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
  });

  /** Does one user action through Telegram and returns the bot's messages for it once all are sent. */
  async function turn(action: () => void, chatId = REPORTER.id): Promise<{ out: OutgoingMessage[]; sent: FakeCall[]; since: number }> {
    const since = harness.fake.calls.length;
    const replies = recorder.nextTurn();
    action();
    const out = await replies;
    const expected = sendsFor(out);
    await vi.waitFor(
      () => {
        const n = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId).length;
        if (n < expected) throw new Error(`waiting for ${expected} messages, have ${n}`);
      },
      { timeout: 10_000, interval: 20 },
    );
    const sent = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId);
    return { out, sent, since };
  }

  const say = (text: string, from = REPORTER, chat?: Chat) => () =>
    void harness.fake.userSays(text, { from, ...(chat ? { chat } : {}) });

  function press(choiceId: string, chatId = REPORTER.id, from = REPORTER): () => void {
    return () => {
      const message = [...harness.fake.sentMessages(chatId)].reverse().find((m) => buttonsOf(m).some((b) => b.callback_data === choiceId));
      if (!message) throw new Error(`no button ${choiceId} on screen`);
      harness.fake.pressButton(message, choiceId, from);
    };
  }

  /** The callback_data of the first button whose choice id starts with `prefix` (long ids travel as tokens). */
  function buttonData(call: FakeCall, label: string): string {
    const b = buttonsOf(call).find((x) => x.text === label);
    if (!b?.callback_data) throw new Error(`no button "${label}"`);
    return b.callback_data;
  }

  it('answers privately with a cited verdict, 👍/👎 and the follow-ups as buttons; a follow-up is asked in the same conversation', async () => {
    const { out, sent } = await turn(say('Bolehkah PNS like postingan caleg di Instagram?'));
    const html = sent.map(textOf).join('\n');
    expect(html).toContain('DILARANG');
    expect(html).toContain('<blockquote expandable>');
    expect(sent.every((c) => c.payload.parse_mode === 'HTML')).toBe(true);
    const answer = out[0]!.kind === 'answer' ? out[0]!.answer : undefined;
    const followUp = answer?.followUps?.[0];
    expect(followUp).toBeDefined();
    const labels = buttonsOf(sent.at(-1)!).map((b) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['👍 Membantu', '👎 Kurang tepat', followUp!]));
    // Offered as buttons, so not listed again in the text.
    expect(html).not.toContain('Pertanyaan terkait');

    const data = buttonData(sent.at(-1)!, followUp!);
    const next = await turn(() => void harness.fake.pressButton(harness.fake.sentMessages(REPORTER.id).at(-1)!, data, REPORTER));
    expect(next.out[0]).toMatchObject({ kind: 'answer', answer: { question: followUp } });
    expect(app.app.conversation.asker.memory.recent(`telegram:${REPORTER.id}:${REPORTER.id}`)).toHaveLength(2);
    const logged = app.app.db!.prepare('SELECT question FROM questions ORDER BY id DESC LIMIT 1').get();
    expect(logged).toEqual({ question: followUp });
  });

  it('answers a vote with a toast and removes the vote buttons, posting nothing in the chat', async () => {
    const { sent } = await turn(say('Bolehkah PNS memasang baliho caleg di pagar rumahnya?'));
    const message = harness.fake.sentMessages(REPORTER.id).at(-1)!;
    const data = buttonData(sent.at(-1)!, '👍 Membantu');
    const since = harness.fake.calls.length;
    const queryId = harness.fake.pressButton(message, data, REPORTER);
    const toast = await harness.fake.waitForCall('answerCallbackQuery', (c) => c.payload.callback_query_id === queryId, { since });
    expect(toast.payload.text).toBe('Terima kasih atas masukan Anda.');
    const edit = await harness.fake.waitForCall('editMessageReplyMarkup', () => true, { since });
    const left = ((edit.payload.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard ?? []).flat().map((b) => b.text);
    expect(left).not.toContain('👍 Membantu');
    expect(left).not.toContain('👎 Kurang tepat');
    // The next turn's replies are the first messages after the vote.
    await turn(say('/bantuan'));
    const afterVote = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage');
    expect(afterVote.map(textOf).join()).not.toMatch(/Terima kasih atas masukan/);
    const votes = app.app.db!.prepare(`SELECT value FROM feedback`).all();
    expect(votes).toContainEqual({ value: 'up' });
  });

  it('gives an English conversation English controls', async () => {
    const { out, sent } = await turn(say('May a civil servant like a candidate post on Instagram?'));
    expect(out[0]).toMatchObject({ kind: 'answer', answer: { language: 'en' } });
    const labels = buttonsOf(sent.at(-1)!).map((b) => b.text);
    expect(labels).toEqual(expect.arrayContaining(['👍 Helpful', '👎 Not quite right']));
    expect(labels).not.toContain('👍 Membantu');
    const data = buttonData(sent.at(-1)!, '👎 Not quite right');
    const since = harness.fake.calls.length;
    harness.fake.pressButton(harness.fake.sentMessages(REPORTER.id).at(-1)!, data, REPORTER);
    const toast = await harness.fake.waitForCall('answerCallbackQuery', () => true, { since });
    expect(String(toast.payload.text)).toMatch(/^Thank you/);
  });

  it('answers a group briefly — verdict, short reason, the main citation, a link to the full answer in private', async () => {
    const asked = await turn(say('@NetraTestBot bolehkah PNS like postingan caleg di Instagram?', MEMBER, GROUP), GROUP.id);
    expect(asked.sent).toHaveLength(1);
    const html = textOf(asked.sent[0]!);
    expect(html).toContain('DILARANG');
    expect(html.match(/<blockquote/g)).toHaveLength(1);
    expect(html).not.toMatch(/Hari ini \(/); // the calendar paragraph stays in the full answer
    expect(html).not.toContain('tentang Pedoman Pembinaan'); // long titles too
    const link = /href="(https:\/\/t\.me\/NetraTestBot\?start=a[0-9a-f]+)"[^>]*>Selengkapnya di chat pribadi/.exec(html)?.[1];
    expect(link).toBeDefined();
    expect(html.length).toBeLessThan(1200);
    const labels = buttonsOf(asked.sent[0]!).map((b) => b.text);
    expect(labels).toEqual(['👍 Membantu', '👎 Kurang tepat']);

    // The link opens the private chat with /start a<token>: the full answer.
    const payload = new URL(link!).searchParams.get('start')!;
    const full = await turn(say(`/start ${payload}`, MEMBER), MEMBER.id);
    expect(full.out[0]).toMatchObject({ kind: 'answer', answer: { verdict: 'dilarang' } });
    expect(full.out[0]!.kind === 'answer' && full.out[0]!.brief).toBeFalsy();
    expect(full.sent.map(textOf).join('\n').match(/<blockquote expandable>/g)!.length).toBeGreaterThan(1);
  });

  it('opens the private chat for a report from a group without posting in the group', async () => {
    const asked = await turn(say('@NetraTestBot Saya melihat camat ikut kampanye kemarin, ke mana saya harus melapor?', MEMBER, GROUP), GROUP.id);
    const report = buttonsOf(asked.sent[0]!).find((b) => b.text === '📝 Laporkan pelanggaran');
    expect(report).toEqual({ text: '📝 Laporkan pelanggaran', url: 'https://t.me/NetraTestBot?start=lapor' });

    // A callback button from an older message is answered with the same link, as a toast.
    const since = harness.fake.calls.length;
    const groupMessage = harness.fake.sentMessages(GROUP.id).at(-1)!;
    const queryId = harness.fake.pressButton(groupMessage, 'report:start', MEMBER);
    const answered = await harness.fake.waitForCall('answerCallbackQuery', (c) => c.payload.callback_query_id === queryId, { since });
    expect(answered.payload.url).toBe('https://t.me/NetraTestBot?start=lapor');
    await turn(say('/tanya@NetraTestBot bolehkah ASN ikut deklarasi paslon?', MEMBER, GROUP), GROUP.id);
    const toGroup = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === GROUP.id);
    expect(toGroup).toHaveLength(1); // only the /tanya answer
  });

  it('gives group thanks one short line and group chatter nothing', async () => {
    const botMessage = harness.fake.sentMessages(GROUP.id).at(-1)!;
    const thanks = await turn(() => void harness.fake.userSays('makasih bot', { chat: GROUP, from: MEMBER, replyTo: botMessage }), GROUP.id);
    expect(thanks.sent).toHaveLength(1);
    expect(textOf(thanks.sent[0]!)).toBe('Sama-sama 🙏');
    expect(thanks.sent[0]!.payload.reply_markup).toBeUndefined();
    const chatter = await turn(() => void harness.fake.userSays('wkwkwk', { chat: GROUP, from: MEMBER, replyTo: botMessage }), GROUP.id);
    expect(chatter.out).toEqual([]);
    expect(chatter.sent).toHaveLength(0);
    const offTopic = await turn(() => void harness.fake.userSays('@NetraTestBot resep rendang gimana?', { chat: GROUP, from: MEMBER }), GROUP.id);
    expect(offTopic.sent).toHaveLength(1);
    expect(textOf(offTopic.sent[0]!).length).toBeLessThan(120);
    expect(offTopic.sent[0]!.payload.reply_markup).toBeUndefined();
  });

  it('takes a whole report privately: titles in names, a long description in parts, an album with a caption, an oversized file', async () => {
    const transcript: string[] = [];
    const step = async (action: () => void): Promise<string> => {
      const r = await turn(action);
      const text = r.sent.map(textOf).join('\n');
      transcript.push(text);
      return text;
    };
    const firstKind = () => {
      const m = [...harness.fake.sentMessages(REPORTER.id)].reverse().find((x) => buttonsOf(x).some((b) => b.callback_data?.startsWith('kind:')))!;
      return buttonsOf(m).find((b) => b.callback_data?.startsWith('kind:') && b.callback_data !== 'kind:lainnya')!.callback_data!;
    };

    expect(await step(say('/lapor'))).toMatch(/Langkah 1 dari 9/);
    await step(press(firstKind()));
    expect(await step(press('election:pemilu'))).toMatch(/Terlapor — nama/);
    expect(await step(say('x'))).toMatch(/tidak tampak seperti nama/);
    expect(await step(say('Drs. Budi Santoso, M.Si.'))).toMatch(/Terlapor — jabatan/);
    await step(say('Kepala Bidang Mutasi, Sub Bagian Umum'));
    await step(say('BKPSDM Kabupaten Contoh'));
    expect(await step(press('skip'))).toContain('Drs. Budi Santoso, M.Si. — Kepala Bidang Mutasi, Sub Bagian Umum — BKPSDM Kabupaten Contoh');
    expect(await step(say('kemarin'))).toMatch(/Kapan Anda mengetahuinya/);
    await step(press('known:same'));
    expect(await step(say('Kantor Kecamatan Sukamaju, Kabupaten Contoh'))).toMatch(/Langkah 6 dari 9/);
    // Longer than one Telegram message: sent in two, kept whole.
    const part1 = `Awal cerita. ${'Terlapor membagikan poster kampanye caleg di grup WhatsApp kantor. '.repeat(55)}`.trim();
    const part2 = `Lanjutan cerita. ${'Ia juga meminta pegawai memilih caleg tersebut dalam apel pagi. '.repeat(55)}`.trim();
    expect(part1.length).toBeGreaterThan(3500);
    expect(await step(say(part1))).toMatch(/Bagian 1 diterima/);
    expect(await step(say(part2))).toMatch(/Bagian 2 diterima \(total 7\.\d{3} dari maks\. 10\.000 karakter\)/);
    expect(await step(say('selesai'))).toMatch(/Langkah 7 dari 9/);

    // An album of three photos with a caption: one acknowledgement, the caption kept.
    const jpegBytes = (n: number) => Buffer.from([0xff, 0xd8, 0xff, 0xe0, n, n, n]);
    const since = harness.fake.calls.length;
    const album = await step(() => {
      for (let i = 1; i <= 3; i++) {
        harness.fake.userSendsPhoto(jpegBytes(i), {
          from: REPORTER,
          ...(i === 1 ? { caption: 'Foto poster di grup kantor' } : {}),
          mediaGroupId: 'album-1',
        });
      }
    });
    const albumReplies = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === REPORTER.id);
    expect(albumReplies).toHaveLength(1);
    expect(album).toContain('Bukti diterima: 3 berkas. Keterangan &quot;Foto poster di grup kantor&quot; disimpan');
    expect(album).not.toMatch(/tidak berisi berkas/);

    // Telegram under-reports the size; the download shows it is too large: "terlalu besar", not "gagal diunduh".
    const big = await step(() => void harness.fake.userSendsDocument(Buffer.alloc(2 * 1024 * 1024, 1), 'rekaman.pdf', 'application/pdf', { from: REPORTER, reportedSize: 100 }));
    expect(big).toMatch(/terlalu besar/);
    expect(big).not.toMatch(/gagal diunduh/);

    await step(press('evidence:done'));
    await step(press('identity:anon'));
    const adminSince = harness.fake.calls.length;
    const done = await step(press('confirm:send'));
    const ticket = /NTR-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(done)?.[0];
    expect(ticket, transcript.join('\n---\n')).toBeDefined();
    expect(done).toMatch(/Mengapa: .*Pemilu 2024/);

    // The admins' chat got the notice.
    const notice = await harness.fake.waitForCall('sendMessage', (c) => Number(c.payload.chat_id) === ADMIN_GROUP.id, { since: adminSince });
    expect(textOf(notice)).toContain(ticket!);
    expect(textOf(notice)).not.toContain(String(REPORTER.id));

    const row = app.app.db!.prepare('SELECT id, chronology, reported_name FROM reports WHERE ticket = ?').get(ticket) as { id: number; chronology: string; reported_name: string };
    expect(row.chronology).toBe(`${part1}\n\n${part2}`);
    expect(row.reported_name).toBe('Drs. Budi Santoso, M.Si.');
    const files = app.app.db!.prepare(`SELECT description FROM evidence WHERE report_id = ? AND kind = 'file'`).all(row.id);
    expect(files).toEqual(Array(3).fill({ description: 'Foto poster di grup kantor' }));

    // /status without a ticket lists the chat's reports.
    expect(await step(say('/status'))).toContain(ticket!);
  });

  it('asks before /batal deletes a report', async () => {
    await turn(say('/lapor'));
    const asked = await turn(say('/batal'));
    expect(asked.sent.map(textOf).join()).toMatch(/Batalkan laporan\?/);
    expect(buttonsOf(asked.sent.at(-1)!).map((b) => b.callback_data)).toEqual(['cancel:yes', 'cancel:no']);
    const kept = await turn(press('cancel:no'));
    expect(kept.sent.map(textOf).join()).toMatch(/tidak dibatalkan[\s\S]*Langkah 1 dari 9/);
    await turn(say('/batal'));
    const gone = await turn(press('cancel:yes'));
    expect(gone.sent.map(textOf).join()).toMatch(/Laporan dibatalkan/);
    expect(app.app.db!.prepare('SELECT COUNT(*) AS n FROM report_drafts').get()).toEqual({ n: 0 });
  });

  it('does not offer a question typed before reporting as the description', async () => {
    const asked = await turn(say('Bagaimana cara melaporkan ASN yang tidak netral?'));
    expect(buttonsOf(asked.sent.at(-1)!).some((b) => b.callback_data === 'report:start')).toBe(true);
    await turn(press('report:start'));
    await turn(press('kind:media_sosial'));
    await turn(press('election:pemilu'));
    await turn(say('Budi Santoso'));
    await turn(press('skip'));
    await turn(press('skip'));
    await turn(press('skip'));
    await turn(say('kemarin'));
    await turn(press('known:same'));
    const chronology = await turn(say('Kantor Dinas'));
    const text = chronology.sent.map(textOf).join();
    expect(text).toMatch(/Langkah 6 dari 9/);
    expect(text).not.toMatch(/Anda tadi menulis|Bagaimana cara/);
    expect(buttonsOf(chronology.sent.at(-1)!).map((b) => b.callback_data)).not.toContain('chronology:prefill');
    await turn(say('/batal'));
    await turn(press('cancel:yes'));
  });

  it('runs admin commands only in an admin private chat or the admin chat; elsewhere one line that reveals nothing', async () => {
    const ticket = (app.app.db!.prepare('SELECT ticket FROM reports LIMIT 1').get() as { ticket: string }).ticket;
    const inGroup = await turn(say(`/laporan@NetraTestBot ${ticket}`, ADMIN, GROUP), GROUP.id);
    expect(inGroup.sent.map(textOf)).toEqual([ADMIN_ONLY_TEXT]);
    expect(inGroup.sent.map(textOf).join()).not.toContain(ticket);
    const stranger = await turn(say(`/laporan ${ticket}`, MEMBER), MEMBER.id);
    expect(stranger.sent.map(textOf)).toEqual(inGroup.sent.map(textOf));

    const inAdminChat = await turn(say(`/laporan ${ticket}`, ADMIN, ADMIN_GROUP), ADMIN_GROUP.id);
    expect(inAdminChat.sent.map(textOf).join()).toContain(ticket);
    expect(inAdminChat.sent.map(textOf).join()).toMatch(/Kanal: Telegram · Rute: /);
    expect(inAdminChat.sent.map(textOf).join()).not.toMatch(/Rute: (sp4n_lapor|bkn_sbt|bawaslu)\b/);
    const privately = await turn(say(`/ubahstatus ${ticket} diteruskan`, ADMIN), ADMIN.id);
    expect(privately.sent.map(textOf).join()).toMatch(/Diterima → Diteruskan/);
    const backwards = await turn(say(`/ubahstatus ${ticket} diterima`, ADMIN), ADMIN.id);
    expect(backwards.sent.map(textOf).join()).toMatch(/tanpa catatan alasan/);
    const stats = await turn(say('/statistik', ADMIN), ADMIN.id);
    expect(stats.sent.map(textOf).join()).toMatch(/Per kanal: Telegram \d+/);
    expect(stats.sent.map(textOf).join()).toMatch(/Putusan: .*Dilarang \d+/);
    expect(stats.sent.map(textOf).join()).not.toMatch(/\bdi_luar_topik\b|\btidak_pasti\b/);
  });

  it('refuses /reindex from a non-admin without rebuilding, and runs it for an admin', async () => {
    const rebuild = vi.spyOn(app.app.index, 'rebuild');
    const refused = await turn(() => void harness.fake.userSays('/reindex', { from: REPORTER }));
    expect(refused.sent.map(textOf).join('\n')).toContain('hanya untuk admin');
    expect(rebuild).not.toHaveBeenCalled();

    const done = await turn(() => void harness.fake.userSays('/reindex@NetraTestBot', { from: ADMIN }), ADMIN.id);
    expect(rebuild).toHaveBeenCalledTimes(1);
    expect(done.sent.map(textOf).join('\n')).toMatch(/Indeks sudah mutakhir|Re-index selesai/);
    rebuild.mockRestore();
  });

  // ---- found by trying the bot by hand against the fake Bot API --------------------------------

  it('shows no "typing…" in a group for chatter it stays silent on, and answers a bare mention or a greeting with one line', async () => {
    const botMessage = harness.fake.sentMessages(GROUP.id).at(-1)!;
    const chatter = await turn(() => void harness.fake.userSays('wkwk', { chat: GROUP, from: MEMBER, replyTo: botMessage }), GROUP.id);
    expect(chatter.out).toEqual([]);
    await sleep(1200);
    expect(harness.fake.calls.slice(chatter.since).filter((c) => c.method === 'sendChatAction')).toEqual([]);

    for (const text of ['@NetraTestBot', '@NetraTestBot halo']) {
      const hello = await turn(say(text, MEMBER, GROUP), GROUP.id);
      expect(hello.sent).toHaveLength(1);
      expect(textOf(hello.sent[0]!)).toMatch(/^Halo! .*\/tanya/);
      expect(textOf(hello.sent[0]!)).not.toContain('\n');
    }
    const privately = await turn(say('halo', MEMBER), MEMBER.id);
    expect(textOf(privately.sent[0]!)).toMatch(/^Halo! Saya Netra/);
    expect(textOf(privately.sent[0]!)).not.toContain('DI LUAR TOPIK');
    expect(privately.sent[0]!.payload.reply_markup).toBeUndefined();
  });

  it('in English keeps 👍/👎 in one row, suggests questions rather than card summaries, and does not call translated text Indonesian', async () => {
    const { sent } = await turn(say('Can a civil servant attend a campaign rally?', MEMBER), MEMBER.id);
    const keyboard = (sent.at(-1)!.payload.reply_markup as { inline_keyboard: Button[][] }).inline_keyboard;
    expect(keyboard[0]!.map((b) => b.text)).toEqual(['👍 Helpful', '👎 Not quite right']);
    const html = sent.map(textOf).join('\n');
    expect(html).toContain('Who decides:');
    expect(html).not.toContain('Who decides (in Indonesian):');
    for (const b of keyboard.flat().slice(2)) expect(b.text.length).toBeLessThan(80);
    const sanction = await turn(say('What is the sanction?', MEMBER), MEMBER.id);
    expect(sanction.sent.map(textOf).join('\n')).not.toMatch(/\.\./);
  });

  it('suggests related cases as questions in Indonesian too', async () => {
    const { out } = await turn(say('Bolehkah PNS hadir di kampanye tanpa atribut?', MEMBER), MEMBER.id);
    const followUps = out[0]!.kind === 'answer' ? (out[0]!.answer.followUps ?? []) : [];
    expect(followUps.length).toBeGreaterThan(1);
    for (const f of followUps) expect(f).toMatch(/\?$/);
  });

  it('during a report, does not take a question as the kind of violation, and says so when an earlier step\'s button is pressed', async () => {
    await turn(say('/lapor', MEMBER), MEMBER.id);
    const asked = await turn(say('Bolehkah PNS like postingan caleg?', MEMBER), MEMBER.id);
    const askedText = asked.sent.map(textOf).join('\n');
    expect(askedText).toContain('Langkah 1 dari 9');
    expect(askedText).toMatch(/pertanyaan/);
    expect(askedText).toContain('/batal');

    await turn(press('kind:media_sosial', MEMBER.id, MEMBER), MEMBER.id);
    const stale = await turn(press('kind:kampanye', MEMBER.id, MEMBER), MEMBER.id);
    const staleText = stale.sent.map(textOf).join('\n');
    expect(staleText).toContain('langkah sebelumnya');
    expect(staleText).not.toContain('Mohon pilih salah satu');
    expect(staleText).toContain('Langkah 2 dari 9');
    await turn(say('/batal', MEMBER), MEMBER.id);
    await turn(press('cancel:yes', MEMBER.id, MEMBER), MEMBER.id);
  });

  it('explains the ticket format when /status gets something that is not a ticket', async () => {
    const { sent } = await turn(say('/status ngawur', MEMBER), MEMBER.id);
    expect(textOf(sent[0]!)).toContain('NTR-');
    expect(textOf(sent[0]!)).not.toContain('tiket ngawur tidak ditemukan');
  });
});

describe('Telegram with the real Netra: a flooding user', () => {
  it('gets one notice, and other users are not slowed', async () => {
    const app = await createTestApp({ RATE_LIMIT_PER_MINUTE: '2' });
    const harness = await startHarness({ conversation: app.conversation, notifiers: app.notifiers });
    try {
      const alice = user(1001, 'Alice');
      const budi = user(1002, 'Budi');
      const since = harness.fake.calls.length;
      for (const q of ['Bolehkah PNS ikut kampanye?', 'Bolehkah PNS jadi caleg?', 'tiga', 'empat']) harness.fake.userSays(q, { from: alice });
      await harness.fake.waitForCall('sendMessage', (c) => textOf(c) === RATE_LIMITED_TEXT, { since });
      const sinceBudi = harness.fake.calls.length;
      harness.fake.userSays('Bolehkah PNS like postingan caleg?', { from: budi });
      await harness.nextMessage(budi.id, sinceBudi);
      await sleep(100);
      const toAlice = harness.fake.callsTo('sendMessage').filter((c) => Number(c.payload.chat_id) === alice.id);
      expect(toAlice.filter((c) => textOf(c) === RATE_LIMITED_TEXT)).toHaveLength(1);
    } finally {
      await harness.close();
      await app.close();
    }
  });
});
