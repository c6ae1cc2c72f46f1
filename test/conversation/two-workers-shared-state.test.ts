import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningHttpApi, startHttpApi } from '../../src/channels/http/http-api.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { EXPIRED_BUTTON_TEXT } from '../../src/channels/telegram/bot-runtime.js';
import { choice, fillReport, reportDriver, textOf, ticketOf } from '../reporting/helpers.js';
import { freshSchema, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { privateChat, user } from '../support/fake-telegram-api.js';
import { startHarness } from '../telegram/harness.js';
import type { Message } from 'grammy/types';

/**
 * What used to stay in each worker's memory, now shared through PostgreSQL: two app instances
 * (two workers) on one database, a message handled by one and the next by the other.
 */
describe.skipIf(!TEST_DATABASE_URL)(`two workers share links, offers, replies, button tokens and HTTP limits${TEST_DATABASE_URL ? '' : ` — not run: ${HOW_TO_RUN_POSTGRES}`}`, () => {
  let schema: Awaited<ReturnType<typeof freshSchema>>;
  let dir: string;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    schema = await freshSchema(TEST_DATABASE_URL!);
    const u = new URL(TEST_DATABASE_URL!);
    u.searchParams.set('options', `-c search_path=${schema.schema}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-shared-'));
    const env = {
      DATABASE_URL: u.toString(),
      NETRA_DATA_DIR: dir,
      NETRA_ID_SECRET: 'shared-id-secret-of-all-workers-0123',
      REPORTS_ENCRYPTION_KEY: 'shared-encryption-key-of-all-workers',
    };
    a = await createTestApp(env);
    b = await createTestApp(env);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await schema?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const text = (out: OutgoingMessage[]): string => out.map((o) => (o.kind === 'answer' ? `${o.answer.verdict} ${o.answer.answer}` : (o.text ?? ''))).join('\n');

  it('a "Selengkapnya di chat pribadi" link given in a group by worker A opens the full answer on worker B', async () => {
    const question = 'Bolehkah PNS ikut kampanye calon bupati?';
    const inGroup: IncomingMessage = {
      channel: 'telegram',
      chatId: '-100424242',
      userId: '4242',
      isPrivate: false,
      text: question,
      links: { report: 'https://t.me/NetraTestBot?start=lapor', fullAnswer: (token) => `https://t.me/NetraTestBot?start=a${token}` },
    };
    const brief = (await a.conversation.handle(inGroup))[0]!;
    expect(brief.kind).toBe('answer');
    const link = brief.kind === 'answer' ? brief.brief?.moreLink : undefined;
    const token = /start=a([0-9a-z]+)$/.exec(link ?? '')?.[1];
    expect(token, link).toBeDefined();

    const full = await b.conversation.handle({ channel: 'telegram', chatId: '4242', userId: '4242', isPrivate: true, text: `/start a${token}` });
    expect(full[0]?.kind).toBe('answer');
    if (full[0]?.kind === 'answer') {
      expect(full[0].answer.question).toBe(question);
      expect(full[0].brief).toBeUndefined(); // the whole answer, in the private chat
    }
    // An unknown token says so, on either worker.
    expect(text(await a.conversation.handle({ channel: 'telegram', chatId: '4242', userId: '4242', isPrivate: true, text: '/start a0123456789ab' }))).toMatch(
      /sudah tidak tersimpan/,
    );
    // Stored sealed, under a hash of the token.
    const rows = JSON.stringify(await schema.query('SELECT * FROM answer_links'));
    expect(rows).not.toContain('kampanye');
    expect(rows).not.toContain(token!);
  });

  it('a follow-up button whose data is longer than 64 bytes, drawn by worker A, is answered when the press reaches worker B; an expired one says so', async () => {
    const onA = await startHarness({ conversation: a.conversation, notifiers: a.notifiers, choiceTokens: a.app.choiceTokens });
    // Worker B's conversation, seen from the adapter: which choice a press turned into, and the answer.
    const onBTurns: { choiceId?: string; out: OutgoingMessage[] }[] = [];
    const recordedB: ConversationHandler = {
      handle: async (m, deliver) => {
        const turn: { choiceId?: string; out: OutgoingMessage[] } = { choiceId: m.choiceId, out: [] };
        onBTurns.push(turn);
        // The replies are known when they are handed over for sending, before the adapter sends them.
        const record = async (replies: OutgoingMessage[]): Promise<void> => {
          turn.out = replies;
          await deliver?.(replies);
        };
        turn.out = await b.conversation.handle(m, record);
        return turn.out;
      },
    };
    // One bot's updates never share an id (a shared id would be taken as a redelivery of A's update).
    const onB = await startHarness({ conversation: recordedB, notifiers: b.notifiers, choiceTokens: b.app.choiceTokens, fake: { firstUpdateId: 500_000 } });
    try {
      const asker = user(4343, 'Dewi');
      const chat = privateChat(4343, 'Dewi');
      // Its related questions come as buttons, some too long for Telegram's 64 bytes.
      onA.fake.userSays('Bolehkah guru mengarahkan murid memilih calon?', { from: asker, chat });
      type Button = { text: string; callback_data?: string };
      const buttonsOf = (m: Message): Button[] => ((m.reply_markup?.inline_keyboard ?? []) as Button[][]).flat();
      await onA.fake.waitForCall('sendMessage', (c) => Number(c.payload.chat_id) === chat.id && c.payload.reply_markup !== undefined, { timeoutMs: 20_000 });
      const message = onA.fake.sentMessages(chat.id).find((m) => buttonsOf(m).length > 0)!;
      const followUp = buttonsOf(message).find((btn) => Buffer.byteLength(`ask:${btn.text}`) > 64);
      expect(followUp, JSON.stringify(buttonsOf(message))).toBeDefined();
      const data = followUp!.callback_data!;
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

      // Behind the load balancer the press reaches worker B, which never drew that keyboard.
      let since = onB.fake.calls.length;
      const pressed = onB.fake.pressButton(message, data, asker);
      const toast = await onB.fake.waitForCall('answerCallbackQuery', (c) => c.payload.callback_query_id === pressed, { since, timeoutMs: 20_000 });
      expect(toast.payload.text).not.toBe(EXPIRED_BUTTON_TEXT);
      await onB.fake.waitForCall('sendMessage', (c) => Number(c.payload.chat_id) === chat.id, { since, timeoutMs: 20_000 });
      expect(onBTurns.map((t) => t.choiceId)).toEqual([`ask:${followUp!.text}`]);
      expect(onBTurns[0]?.out[0]).toMatchObject({ kind: 'answer', answer: { question: followUp!.text } });
      // The token is random, the question behind it sealed.
      const stored = JSON.stringify(await schema.query('SELECT * FROM choice_tokens'));
      expect(stored).not.toContain(followUp!.text);
      expect(stored).not.toContain('4343');

      // Seven days later the button has expired, on either worker, and the sweep deletes its token.
      const token = data.slice('~t'.length);
      expect(token).toMatch(/^[\w-]+$/); // safe to put in the SQL below
      await schema.query(`UPDATE choice_tokens SET created_at = '2000-01-01T00:00:00.000Z' WHERE token = '${token}'`);
      since = onB.fake.calls.length;
      const late = onB.fake.pressButton(message, data, asker);
      const expired = await onB.fake.waitForCall('answerCallbackQuery', (c) => c.payload.callback_query_id === late, { since });
      expect(expired.payload.text).toBe(EXPIRED_BUTTON_TEXT);
      expect(onBTurns).toHaveLength(1); // no conversation turn for an expired button
      await b.app.shared!.sweep(30 * 60_000, 60_000);
      expect(await schema.query(`SELECT COUNT(*) AS n FROM choice_tokens WHERE token = '${token}'`)).toEqual([{ n: 0 }]);
    } finally {
      await onA.close();
      await onB.close();
    }
  });

  it('a numbered reply on worker B picks the option worker A offered (WhatsApp)', async () => {
    const chat = { channel: 'whatsapp' as const, chatId: '6281234500001@c.us', userId: '6281234500001@c.us', isPrivate: true };
    const answer = await a.conversation.handle({ ...chat, text: 'Bolehkah PNS like postingan caleg di Instagram?' });
    const offered = answer.flatMap((o) => (o.kind === 'ack' ? [] : (o.choices ?? [])));
    expect(offered[0]?.id).toMatch(/^feedback:up:\d+$/);
    const vote = await b.conversation.handle({ ...chat, text: '1' });
    expect(text(vote)).toMatch(/Terima kasih/);
    expect(await schema.query("SELECT value FROM feedback")).toEqual([{ value: 'up' }]);
    expect(JSON.stringify(await schema.query('SELECT * FROM choice_offers'))).not.toContain('6281234500001');
  });

  it('a message delivered again to the other worker gets the same reply and is not applied twice', async () => {
    const chat = { channel: 'telegram' as const, chatId: '5150', userId: '5150', isPrivate: true };
    const start = await a.conversation.handle({ ...chat, text: '/lapor', deliveryId: '9001' });
    expect(text(start)).toMatch(/Langkah 1 dari 9/);
    // Worker A died before acknowledging: Telegram delivers the same update to B.
    expect(await b.conversation.handle({ ...chat, text: '/lapor', deliveryId: '9001' })).toEqual(start);

    const kind = start.flatMap((o) => (o.kind === 'ack' ? [] : (o.choices ?? []))).find((c) => c.id.startsWith('kind:'))!.id;
    await a.conversation.handle({ ...chat, text: '', choiceId: kind, deliveryId: '9002' });
    const election = await a.conversation.handle({ ...chat, text: '', choiceId: 'election:pemilu', deliveryId: '9003' });
    const named = await a.conversation.handle({ ...chat, text: 'Budi Santoso', deliveryId: '9004' });
    expect(text(named)).toMatch(/Terlapor — jabatan/);
    // A died after saving the step but before recording its reply: the draft itself knows the step was applied.
    await schema.query('DELETE FROM delivered_messages');
    expect(await b.conversation.handle({ ...chat, text: 'Budi Santoso', deliveryId: '9004' })).toEqual(named);
    // The name was not taken again as the position: the next answer is the position.
    expect(text(await b.conversation.handle({ ...chat, text: 'Kepala Seksi Umum', deliveryId: '9005' }))).toMatch(/Terlapor — instansi/);
    expect(text(election)).toMatch(/Terlapor — nama/);
    expect(await schema.query('SELECT COUNT(*) AS n FROM report_drafts')).toEqual([{ n: 1 }]);
    const stored = JSON.stringify(await schema.query('SELECT * FROM delivered_messages'));
    expect(stored).not.toContain('Kepala Seksi');
    expect(stored).not.toContain('5150');
  });

  it('a confirmation delivered again after its worker stored the report and died is answered on the other worker with the same ticket', async () => {
    const chat = '5252';
    const onA = { ...reportDriver(a.app.reporting), start: (m: IncomingMessage) => a.conversation.handle(m), handle: (m: IncomingMessage) => a.conversation.handle(m) };
    const [draftsBefore] = await schema.query('SELECT COUNT(*) AS n FROM report_drafts');
    await fillReport(onA, chat, { kind: 'media_sosial', date: '09-01-2024' });
    const [before] = await schema.query('SELECT COUNT(*) AS n FROM reports');
    // Worker A commits the report, then dies before recording (or sending) its reply.
    const store = a.app.stores.reports;
    const create = store.create.bind(store);
    store.create = async (...args) => {
      await create(...args);
      throw new Error('worker killed right after the commit');
    };
    try {
      await expect(a.conversation.handle(choice(chat, 'confirm:send', { deliveryId: '9501' }))).rejects.toThrow(/killed/);
    } finally {
      store.create = create;
    }
    const [stored] = await schema.query("SELECT ticket, submission_hash FROM reports ORDER BY id DESC LIMIT 1");
    expect(await schema.query('SELECT COUNT(*) AS n FROM report_drafts')).toEqual([draftsBefore]); // this chat's draft went with the commit

    // Telegram delivers the same update again, to worker B.
    const retried = await b.conversation.handle(choice(chat, 'confirm:send', { deliveryId: '9501' }));
    expect(textOf(retried)).toMatch(/tersimpan dengan nomor tiket/);
    expect(ticketOf(retried)).toBe(stored?.ticket);
    expect(textOf(retried)).toMatch(/Ringkasan siap tempel/);
    // Stored once; the hash it was found by holds no chat id.
    expect(await schema.query('SELECT COUNT(*) AS n FROM reports')).toEqual([{ n: Number(before?.n) + 1 }]);
    expect(String(stored?.submission_hash)).not.toContain(chat);
    // Another press (a new update) is not a redelivery: it does not confirm anything again.
    expect(textOf(await b.conversation.handle(choice(chat, 'confirm:send', { deliveryId: '9502' })))).not.toContain(String(stored?.ticket));
  });

  it('the replies to one message are sent before the other worker handles the next message of that chat', async () => {
    const chat = { channel: 'telegram' as const, chatId: '6160', userId: '6160', isPrivate: true };
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = a.conversation.handle({ ...chat, text: 'Bolehkah PNS ikut kampanye?' }, async () => {
      events.push('A sending');
      await gate; // a slow send (Telegram's per-chat pace), after Telegram was already acknowledged
      events.push('A sent');
    });
    while (!events.includes('A sending')) await new Promise((r) => setTimeout(r, 5));
    const second = b.conversation.handle({ ...chat, text: 'Bolehkah PNS jadi caleg?' }).then(() => events.push('B handled'));
    // B waits for the chat's lock in PostgreSQL (polled, no timers in the assertion).
    for (;;) {
      const [row] = await schema.query("SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
      if (Number(row?.n) >= 1) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(events).toEqual(['A sending']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['A sending', 'A sent', 'B handled']);
  });

  it("the HTTP API's per-address limit counts the requests of both workers", async () => {
    // The shared limit counts per clock minute: do not start where four requests could straddle two.
    while (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 250));
    const apis: RunningHttpApi[] = [];
    try {
      for (const t of [a, b]) apis.push(await startHttpApi({ app: t.app, port: 0, host: '127.0.0.1', limits: { perIpPerMinute: 3 } }));
      const ask = (api: RunningHttpApi) =>
        fetch(`${api.url}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'Bolehkah PNS ikut kampanye?' }) });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await ask(apis[i % 2]!);
        await res.arrayBuffer();
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      // The counter is a keyed hash, not the address.
      expect(JSON.stringify(await schema.query('SELECT * FROM rate_limit_counters'))).not.toContain('127.0.0.1');
    } finally {
      for (const api of apis) await api.close();
    }
  });
});
