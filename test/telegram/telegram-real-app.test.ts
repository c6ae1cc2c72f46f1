import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatAnswerHtml, formatTextHtml } from '../../src/channels/telegram/index.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { createTestApp } from '../support/test-app.js';
import { user, type FakeCall } from '../support/fake-telegram-api.js';
import { startHarness, textOf, type Harness } from './harness.js';

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

function partsOf(out: OutgoingMessage[]): number {
  return out.reduce((n, o) => n + Math.max(o.choices?.length ? 1 : 0, (o.kind === 'answer' ? formatAnswerHtml(o.answer) : formatTextHtml(o.text)).length), 0);
}

const REPORTER = user(5005, 'Sari');
const ADMIN = user(6006, 'Admin');

describe('Telegram adapter with the real Netra', () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  let harness: Harness;
  let recorder: TurnRecorder;

  beforeAll(async () => {
    app = await createTestApp();
    recorder = new TurnRecorder(app.conversation);
    harness = await startHarness({ conversation: recorder, notifiers: app.notifiers, adminIds: [String(ADMIN.id)] });
  });
  afterAll(async () => {
    await harness?.close();
    await app?.close();
  });

  /** Does one user action through Telegram and returns the bot's messages for it once all are sent. */
  async function turn(action: () => void, chatId = REPORTER.id): Promise<{ out: OutgoingMessage[]; sent: FakeCall[] }> {
    const since = harness.fake.calls.length;
    const replies = recorder.nextTurn();
    action();
    const out = await replies;
    const expected = partsOf(out);
    for (let i = 0; i < 200; i++) {
      const sent = harness.fake.calls.slice(since).filter((c) => c.method === 'sendMessage' && Number(c.payload.chat_id) === chatId);
      if (sent.length >= expected) return { out, sent };
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`expected ${expected} messages for the turn`);
  }

  function press(choiceId: string): () => void {
    return () => {
      const message = [...harness.fake.sentMessages(REPORTER.id)].reverse().find((m) =>
        (m.reply_markup?.inline_keyboard ?? []).flat().some((b) => 'callback_data' in b && b.callback_data === choiceId),
      );
      if (!message) throw new Error(`no button ${choiceId} on screen`);
      harness.fake.pressButton(message, choiceId, REPORTER);
    };
  }

  it('answers a private question with a cited verdict', async () => {
    const { sent } = await turn(() => harness.fake.userSays('Bolehkah PNS like postingan caleg di Instagram?', { from: REPORTER }));
    const html = sent.map(textOf).join('\n');
    expect(html).toContain('DILARANG');
    expect(html).toContain('<blockquote expandable>');
    expect(sent.every((c) => c.payload.parse_mode === 'HTML')).toBe(true);
  });

  it('takes a whole /lapor flow, with a photo as evidence, to a stored report with a ticket', async () => {
    const transcript: string[] = [];
    const say = (text: string) => () => void harness.fake.userSays(text, { from: REPORTER });
    const record = (r: { sent: FakeCall[] }) => {
      transcript.push(...r.sent.map(textOf));
      return r.sent.map(textOf).join('\n');
    };
    const firstKind = (out: OutgoingMessage[]) => out.flatMap((o) => o.choices ?? []).find((c) => c.id.startsWith('kind:') && c.id !== 'kind:lainnya')!.id;

    let r = await turn(say('/lapor'));
    record(r);
    r = await turn(press(firstKind(r.out)));
    record(r);
    r = await turn(press('election:pemilu'));
    record(r);
    r = await turn(say('Budi Santoso, Kepala Seksi Umum, Dinas Pendidikan Kabupaten Contoh'));
    record(r);
    r = await turn(say('kemarin'));
    record(r);
    r = await turn(say('Kantor Kecamatan Sukamaju, Kabupaten Contoh'));
    record(r);
    r = await turn(say('Terlapor membagikan foto kampanye caleg di grup WhatsApp kantor dan mengajak pegawai memilihnya.'));
    record(r);
    r = await turn(() => void harness.fake.userSendsPhoto(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 9, 9, 9]), { from: REPORTER }));
    expect(record(r)).toMatch(/1 berkas/);
    r = await turn(press('evidence:done'));
    record(r);
    r = await turn(press('identity:anon'));
    record(r);
    r = await turn(press('confirm:send'));
    const last = record(r);
    expect(last, transcript.join('\n---\n')).toMatch(/NTR-[A-Z0-9-]+/);

    // The report is stored: its ticket answers /status.
    const ticket = /NTR-[A-Z0-9-]+[A-Z0-9]/.exec(last)![0];
    r = await turn(say(`/status ${ticket}`));
    expect(record(r)).toContain(ticket);
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
});
