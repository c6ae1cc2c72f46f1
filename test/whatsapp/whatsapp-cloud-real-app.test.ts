import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_TEMPLATE_WARNING, startWhatsAppCloud, type WhatsAppCloudChannel } from '../../src/channels/whatsapp-cloud/whatsapp-cloud-channel.js';
import type { WhatsAppCloudConfig } from '../../src/config/config.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  cloudEnv,
  deliverWebhook,
  FAKE_APP_SECRET,
  FAKE_TOKEN,
  FAKE_VERIFY_TOKEN,
  FakeGraphApi,
  inboundMessage,
  notification,
  type InboundInit,
  type SentMessage,
} from '../support/fake-graph-api.js';

/**
 * The Cloud API adapter in front of a real Netra (knowledge index, offline answers, reporting on
 * a real SQLite file), a real webhook server on 127.0.0.1 and a fake Graph API: only Meta is faked.
 * No Telegram is configured: a WhatsApp-only, group-free deployment.
 */

const ADMIN = '6281234500009';
const HOUR = 3600_000;

/** Log lines the channel wrote, to check warnings and that no phone number is in them. */
const logLines: string[] = [];
/** Every line of the run, never cleared. */
const allLogLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      allLogLines.push(chunk.toString('utf8'));
      done();
    },
  }),
);

let app: TestApp;
let graph: FakeGraphApi;
let channel: WhatsAppCloudChannel;
let cloud: WhatsAppCloudConfig;
/** The injectable clock: the service window and the messages' own timestamps follow it. */
let clock = Date.parse('2024-01-10T01:00:00Z');
const sleeps: number[] = [];

async function startChannel(overrides: Partial<WhatsAppCloudConfig> = {}): Promise<WhatsAppCloudChannel> {
  const whatsapp = app.app.config.whatsapp!;
  return startWhatsAppCloud({
    config: { ...whatsapp, cloud: { ...cloud, ...overrides } },
    conversation: app.conversation,
    notifiers: app.notifiers,
    logger,
    maxFileBytes: app.app.config.maxEvidenceBytes,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

beforeAll(async () => {
  graph = await new FakeGraphApi().start();
  app = await createTestApp({ ...cloudEnv(graph.baseUrl), WHATSAPP_ADMIN_IDS: '0812-3450-0009', RATE_LIMIT_PER_MINUTE: '1000' });
  const configured = app.app.config.whatsapp?.cloud;
  if (!configured) throw new Error('WHATSAPP_MODE=cloud did not produce a cloud config');
  // A free port per run; everything else exactly as loadConfig read it from the environment.
  cloud = { ...configured, webhook: { ...configured.webhook, port: 0 } };
  channel = await startChannel();
});

afterAll(async () => {
  await channel?.stop();
  await app?.close();
  await graph?.close();
});

/** One user message through the signed webhook; resolves to what Netra sent that user for it. */
async function say(from: string, init: InboundInit | string, id?: string): Promise<SentMessage[]> {
  const before = graph.sent.length;
  const message = inboundMessage(from, typeof init === 'string' ? { type: 'text', text: init } : init, clock, id);
  const response = await deliverWebhook(channel.url, notification([message]));
  expect(response.status).toBe(200);
  await channel.idle();
  return graph.sent.slice(before).filter((m) => m.to === from);
}

/** Presses the button or list row whose title (or description) matches, on Netra's latest interactive message offering it. */
async function press(from: string, title: string | RegExp): Promise<SentMessage[]> {
  const matches = (o: { title: string; description?: string }) =>
    typeof title === 'string' ? o.title.startsWith(title) : title.test(o.title) || title.test(o.description ?? '');
  for (const m of [...graph.to(from)].reverse()) {
    const i = m.interactive;
    if (!i) continue;
    const options = i.type === 'button' ? (i.action.buttons ?? []).map((b) => b.reply) : (i.action.sections ?? []).flatMap((s) => s.rows);
    const option = options.find(matches);
    if (option) return say(from, { type: i.type === 'button' ? 'button_reply' : 'list_reply', id: option.id, title: option.title });
  }
  throw new Error(`no option ${String(title)} offered to the user`);
}

/** Everything a turn showed, as the user would read it. */
function textOf(messages: SentMessage[]): string {
  return messages
    .map((m) => m.text?.body ?? m.interactive?.body.text ?? m.template?.components.flatMap((c) => c.parameters.map((p) => p.text)).join(' ') ?? '')
    .join('\n');
}

const pngBytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

describe('WhatsApp Cloud API with a real Netra', () => {
  it('answers Meta’s webhook verification only with the right verify token', async () => {
    const url = (token: string) => `${channel.url}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(url(FAKE_VERIFY_TOKEN));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(url('not-the-token'));
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).not.toContain('1158201444');
  });

  it('rejects notifications without a valid signature and processes nothing of them', async () => {
    const user = '6281234500010';
    const questionsBefore = (app.app.db!.prepare('SELECT COUNT(*) AS n FROM questions').get() as { n: number }).n;
    const body = notification([inboundMessage(user, { type: 'text', text: 'Bolehkah PNS ikut kampanye?' }, clock)]);
    expect((await deliverWebhook(channel.url, body, { signature: null })).status).toBe(401);
    expect((await deliverWebhook(channel.url, body, { appSecret: 'another-apps-secret' })).status).toBe(403);
    expect((await deliverWebhook(channel.url, body, { signature: 'sha256=abc' })).status).toBe(403);
    await channel.idle();
    expect(graph.to(user)).toEqual([]);
    await app.app.writer!.idle();
    expect((app.app.db!.prepare('SELECT COUNT(*) AS n FROM questions').get() as { n: number }).n).toBe(questionsBefore);
  });

  it('answers a private question with 👍/👎 buttons and the follow-ups as a list; a press votes or asks', async () => {
    const user = '6281234500001';
    const replies = await say(user, 'Bolehkah PNS like postingan caleg di Instagram?', 'wamid.question-1');
    const answer = textOf(replies);
    expect(answer).toContain('*DILARANG*');
    expect(answer).toMatch(/^> .+/m);
    expect(answer).not.toContain('Balas dengan angka');
    const buttons = replies.find((m) => m.interactive?.type === 'button')!.interactive!.action.buttons!.map((b) => b.reply);
    expect(buttons.map((b) => b.title)).toEqual(['👍 Membantu', '👎 Kurang tepat']);
    expect(buttons[0]!.id).toMatch(/^feedback:up:\d+$/);
    const list = replies.find((m) => m.interactive?.type === 'list')!.interactive!;
    expect(list.body.text).toBe('Pertanyaan terkait:');
    const rows = list.action.sections!.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]!.id).toMatch(/^ask:/);

    // Meta delivers the same message again (our 200 was late): it is not answered twice.
    expect(await say(user, 'Bolehkah PNS like postingan caleg di Instagram?', 'wamid.question-1')).toEqual([]);

    expect(textOf(await press(user, '👍'))).toBe('Terima kasih atas masukan Anda.');
    await app.app.writer!.idle();
    const questionId = Number(buttons[0]!.id.split(':')[2]);
    expect(app.app.db!.prepare('SELECT value FROM feedback WHERE question_id = ?').all(questionId)).toEqual([{ value: 'up' }]);

    const followUp = rows[0]!.id.slice('ask:'.length);
    const next = await say(user, { type: 'list_reply', id: rows[0]!.id, title: rows[0]!.title });
    expect(textOf(next)).toMatch(/^\S+ \*[A-Z ]+\*/);
    await app.app.writer!.idle();
    expect(app.app.db!.prepare('SELECT question FROM questions ORDER BY id DESC LIMIT 1').get()).toEqual({ question: followUp });
  });

  it('gives an English question English buttons', async () => {
    const replies = await say('6281234500006', 'May a civil servant like a candidate post on Instagram?');
    expect(textOf(replies)).toContain('*NOT ALLOWED*');
    const buttons = replies.find((m) => m.interactive?.type === 'button')!.interactive!.action.buttons!;
    expect(buttons.map((b) => b.reply.title)).toEqual(['👍 Helpful', '👎 Not quite right']);
  });

  it('serves no group: a group message is ignored, plain keywords work in private', async () => {
    const before = graph.sent.length;
    const inGroup = { ...inboundMessage('6281234500002', { type: 'text', text: 'lapor' }, clock), group_id: '120363000000000099' };
    expect((await deliverWebhook(channel.url, notification([inGroup]))).status).toBe(200);
    await channel.idle();
    expect(graph.sent.length).toBe(before);
    // Another number's notification (one Meta app, several numbers) is not this bot's either.
    const other = notification([inboundMessage('6281234500002', { type: 'text', text: 'menu' }, clock)], '999999999999999');
    expect((await deliverWebhook(channel.url, other)).status).toBe(200);
    await channel.idle();
    expect(graph.sent.length).toBe(before);
    expect(textOf(await say('6281234500002', 'menu'))).toMatch(/Cara memakai Netra/);
  });

  it('retries a 429 after Retry-After and a 500, and gives up at once on a 400', async () => {
    const user = '6281234500003';
    graph.failNextSends({ status: 429, code: 130429, retryAfter: '2' }, { status: 500 });
    sleeps.length = 0;
    const replies = await say(user, 'menu');
    expect(textOf(replies)).toMatch(/Cara memakai Netra/);
    expect(sleeps).toEqual([2000, 1000]);

    graph.failNextSends({ status: 400, code: 131009 });
    sleeps.length = 0;
    const failed = await say(user, 'sumber');
    expect(sleeps).toEqual([]);
    // The answer was refused; the user gets the apology instead of silence.
    expect(textOf(failed)).toMatch(/terjadi kendala/);
    expect(logLines.some((l) => l.includes('pesan gagal diproses') && l.includes('131009'))).toBe(true);
  });

  let ticket = '';
  const REPORTER = '6281234500004';

  it('takes a whole report with buttons and lists and an image as evidence; the admin notice keeps to the admin’s window', async () => {
    const step = async (init: InboundInit | string) => textOf(await say(REPORTER, init));
    expect(await step('/lapor')).toContain('Langkah 1 dari 9');
    const kinds = graph.to(REPORTER).at(-1)!.interactive!;
    expect(kinds.type).toBe('list');
    expect(textOf(await press(REPORTER, /Kampanye atau dukungan di media sosial/))).toContain('Langkah 2 dari 9');
    expect(textOf(await press(REPORTER, 'Pemilu'))).toContain('Terlapor — nama');
    expect(await step('Budi Santoso')).toContain('Terlapor — jabatan');
    expect(await step('Kepala Dinas Pendidikan')).toContain('Terlapor — instansi');
    expect(await step('Pemerintah Kabupaten Contoh')).toContain('Terlapor — NIP/NIK');
    expect(textOf(await press(REPORTER, 'Lewati'))).toContain('Langkah 4 dari 9');
    expect(await step('5 Januari 2024')).toContain('Kapan Anda mengetahuinya');
    expect(textOf(await press(REPORTER, 'Pada hari kejadian'))).toContain('Langkah 5 dari 9');
    expect(await step('Balai Desa Sukamaju, Kabupaten Contoh')).toContain('Langkah 6 dari 9');
    expect(await step('Terlapor mengunggah ajakan memilih calon tertentu di akun Instagram dinasnya dan meminta guru membagikannya.')).toContain('Bagian 1 diterima');
    expect(textOf(await press(REPORTER, 'Selesai'))).toContain('Langkah 7 dari 9');

    graph.addMedia('media-photo-1', pngBytes, 'image/png');
    const ack = await step({ type: 'image', mediaId: 'media-photo-1', mimeType: 'image/png', caption: 'Tangkapan layar unggahan' });
    expect(ack).toContain('Bukti diterima: 1 berkas. Keterangan "Tangkapan layar unggahan"');
    expect(graph.downloads('media-photo-1')).toBe(1);
    expect(graph.requests.filter((r) => r.path.includes('media')).every((r) => r.authorization === `Bearer ${FAKE_TOKEN}`)).toBe(true);

    // Meta says how large the file is: an oversized one is refused without downloading it.
    graph.addMedia('media-doc-2', Buffer.from('%PDF-1.4'), 'application/pdf', app.app.config.maxEvidenceBytes * 2);
    expect(await step({ type: 'document', mediaId: 'media-doc-2', mimeType: 'application/pdf', filename: 'surat.pdf' })).toMatch(/terlalu besar/);
    expect(graph.downloads('media-doc-2')).toBe(0);

    expect(textOf(await press(REPORTER, 'Selesai'))).toContain('Langkah 8 dari 9');
    expect(textOf(await press(REPORTER, 'Anonim'))).toContain('Konfirmasi');
    const adminBefore = graph.to(ADMIN).length;
    const done = textOf(await press(REPORTER, 'Kirim'));
    ticket = /NTR-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(done)?.[0] ?? '';
    expect(ticket).not.toBe('');

    // The admin has never written, so its window is closed and there is no template yet:
    // the notice is not sent, and the log says why.
    expect(graph.to(ADMIN).length).toBe(adminBefore);
    expect(logLines.some((l) => l.includes('whatsapp_outside_window'))).toBe(true);

    // Once the admin writes, notices reach them as text within the window.
    expect(textOf(await say(ADMIN, `/laporan ${ticket}`))).toContain('Kanal: WhatsApp');
    expect(textOf(await say(REPORTER, `/status ${ticket}`))).toContain(ticket);
  });

  it('keeps to the 24-hour window: text inside, nothing without a template outside, the template with one', async () => {
    expect(ticket).not.toBe('');
    // Inside the window (the reporter wrote moments ago): a plain text.
    clock += HOUR;
    const inside = await say(ADMIN, `/ubahstatus ${ticket} diverifikasi`);
    expect(textOf(inside)).toContain('Pelapor sudah diberi tahu.');
    const notice = graph.to(REPORTER).at(-1)!;
    expect(notice.type).toBe('text');
    expect(notice.text!.body).toContain(`Status laporan Anda ${ticket} kini: Diverifikasi`);

    // 25 hours after the reporter's last message, without a template: not sent, and said so.
    clock += 24 * HOUR;
    const reporterBefore = graph.to(REPORTER).length;
    logLines.length = 0;
    const outside = await say(ADMIN, `/ubahstatus ${ticket} diteruskan`);
    expect(textOf(outside)).toContain('Pelapor belum dapat diberi tahu');
    expect(graph.to(REPORTER).length).toBe(reporterBefore);
    expect(logLines.some((l) => l.includes('whatsapp_outside_window') && l.includes('WHATSAPP_CLOUD_STATUS_TEMPLATE'))).toBe(true);

    // With an approved template configured: the update goes out as that template.
    await channel.stop();
    channel = await startChannel({ statusTemplate: { name: 'netra_status_laporan', language: 'id' } });
    await say(ADMIN, 'menu'); // the admin's own window opens again
    const withTemplate = await say(ADMIN, `/ubahstatus ${ticket} selesai Ditangani Bawaslu`);
    expect(textOf(withTemplate)).toContain('Pelapor sudah diberi tahu.');
    const templated = graph.to(REPORTER).at(-1)!;
    expect(templated.type).toBe('template');
    expect(templated.template!.name).toBe('netra_status_laporan');
    expect(templated.template!.language.code).toBe('id');
    const parameter = templated.template!.components[0]!.parameters[0]!.text;
    expect(parameter).toContain(`Status laporan Anda ${ticket} kini: Selesai`);
    expect(parameter).not.toMatch(/\n/);
  });

  it('warns at start when no template is set, and never logs a phone number or a secret', async () => {
    logLines.length = 0;
    const second = await startChannel({ webhook: { ...cloud.webhook, port: 0 } });
    await second.stop();
    expect(logLines.some((l) => l.includes(NO_TEMPLATE_WARNING.slice(0, 60)))).toBe(true);
    // The other channel's stop unregistered the shared notifier: register ours again by restarting.
    await channel.stop();
    channel = await startChannel();
    const all = allLogLines.join('\n');
    expect(all).toContain('pesan dijawab');
    for (const secret of [FAKE_TOKEN, FAKE_APP_SECRET, FAKE_VERIFY_TOKEN]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/62812345000\d\d/);
  });
});
