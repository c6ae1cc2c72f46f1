import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Chat, User } from 'grammy/types';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { formatAnswerHtml, formatBriefHtml, formatTextHtml } from '../../src/channels/telegram/format-answer-html.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { RATE_LIMITED_TEXT } from '../../src/conversation/rate-limiter.js';
import { BENCH_QUESTIONS } from '../../scripts/bench.js';
import { FakeTelegramApi, groupChat, privateChat, user } from '../support/fake-telegram-api.js';
import { freshDatabase, HOW_TO_RUN_POSTGRES, TEST_DATABASE_URL } from '../support/postgres-test-db.js';
import { type Delivery, type UserAction, WebhookDriver } from '../support/telegram-webhook-driver.js';
import { createTestApp, KNOWLEDGE_DIR } from '../support/test-app.js';
import { freePort } from '../support/netra-process.js';
import { startWorker, type WorkerProcess } from '../support/worker-processes.js';

/**
 * Issue 15's multi-worker test: three compiled `npm start` workers on one PostgreSQL database,
 * Telegram in webhook mode against the fake Bot API, and a driver playing Telegram and a
 * round-robin load balancer. 500 messages in 50 private chats (questions, and 25 whole reports),
 * one worker killed with SIGKILL mid-way, and one user flooding 25 groups at once.
 *
 * What the workers reply is compared with what one in-process Netra (SQLite) replies to the same
 * messages: the deployment must behave as one bot. Timeouts here are deadlock guards only.
 */
const MESSAGES = 500;
const REPORTERS = 25;
const ASKERS = 25;
const WORKERS = 3;
const RATE_LIMIT = 20;
const FLOOD_GROUPS = 25;
/** The victim is killed once this many updates have been acknowledged (and it has some in hand). */
const KILL_AFTER = 200;

const ENV = {
  NETRA_KNOWLEDGE_DIR: KNOWLEDGE_DIR,
  NETRA_TODAY: '2024-01-10',
  NETRA_ID_SECRET: 'multi-worker-test-id-secret-0123456789',
  REPORTS_ENCRYPTION_KEY: 'multi-worker-test-encryption-key-0123456789',
  RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
  EMBEDDINGS_PROVIDER: 'local',
};

type Step = { action: UserAction; chat: Chat; from: User };

/** One reporter's walk through /lapor, chosen from what the reference replies at each step. */
async function buildReporterScript(
  turn: (step: Step) => Promise<OutgoingMessage[]>,
  chat: Chat,
  from: User,
  n: number,
): Promise<{ steps: Step[]; replies: OutgoingMessage[][] }> {
  const steps: Step[] = [];
  const replies: OutgoingMessage[][] = [];
  const act = async (action: UserAction): Promise<OutgoingMessage[]> => {
    const step = { action, chat, from };
    const out = await turn(step);
    steps.push(step);
    replies.push(out);
    return out;
  };
  await act({ text: 'Bagaimana cara melaporkan ASN yang tidak netral?' });
  const started = await act({ text: '/lapor' });
  const kind = started.flatMap((o) => (o.kind === 'ack' ? [] : (o.choices ?? []))).find((c) => c.id.startsWith('kind:') && c.id !== 'kind:lainnya');
  if (!kind) throw new Error('no violation kind offered');
  await act({ press: kind.id });
  await act({ press: 'election:pemilu' });
  await act({ text: `Budi Santoso ${['Hadi', 'Wijaya', 'Pratama', 'Saputra', 'Gunawan'][n % 5]}` });
  await act({ text: 'Kepala Seksi Umum' });
  await act({ text: `Dinas Pendidikan Kabupaten Contoh ${n}` });
  await act({ press: 'skip' });
  const dated = await act({ text: '09-01-2024' });
  if (textsOf(dated).join('\n').includes('Kapan Anda mengetahuinya')) await act({ press: 'known:same' });
  await act({ text: 'Ruang rapat Dinas Pendidikan, Kabupaten Contoh' });
  await act({ text: `Terlapor membagikan poster kampanye caleg nomor ${n} di grup WhatsApp kantor dan meminta staf memilihnya.` });
  await act({ text: 'selesai' });
  await act({ press: 'evidence:skip' });
  await act({ press: 'identity:anon' });
  const done = await act({ press: 'confirm:send' });
  if (!/NTR-/.test(textsOf(done).join('\n'))) throw new Error(`the reference report was not stored: ${textsOf(done).join('\n')}`);
  return { steps, replies };
}

/** What the Telegram adapter sends for the conversation's replies (bot-runtime.ts `render`), as HTML texts. */
function textsOf(out: OutgoingMessage[]): string[] {
  const texts: string[] = [];
  for (const o of out) {
    if (o.kind === 'ack') continue;
    const choices = o.choices ?? [];
    const parts =
      o.kind === 'answer'
        ? o.brief
          ? [formatBriefHtml(o.answer, o.brief)]
          : formatAnswerHtml(o.answer, undefined, { followUpsAsButtons: choices.some((c) => c.id.startsWith('ask:')) })
        : formatTextHtml(o.text);
    if (parts.length === 0 && choices.length > 0) parts.push('👇');
    texts.push(...parts);
  }
  return texts;
}

/**
 * Whether a chat's `sent` texts are the expected replies in order: message j's reply exactly,
 * and for a redelivered message (index in `again`) possibly a beginning of it first — what the
 * killed worker sent before dying.
 */
function repliesMatch(sent: readonly string[], expected: readonly string[][], again: ReadonlySet<number>, j = 0, pos = 0): boolean {
  if (j === expected.length) return pos === sent.length;
  const reply = expected[j]!;
  const at = (p: number, texts: readonly string[]) => texts.every((t, k) => sent[p + k] === t);
  const partials = again.has(j) ? reply.length : 0;
  for (let k = 0; k <= partials; k++) {
    if (at(pos, reply.slice(0, k)) && at(pos + k, reply) && repliesMatch(sent, expected, again, j + 1, pos + k + reply.length)) return true;
  }
  return false;
}

/** Tickets are random: compared as a placeholder. */
const normalise = (text: string): string => text.replace(/NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/g, 'NTR-····-····');

if (TEST_DATABASE_URL) {
  const baseUrl = TEST_DATABASE_URL;
  describe('three npm start workers on one PostgreSQL behind a webhook load balancer', () => {
    it(
      'answers 500 messages in 50 chats in order as one bot would, keeps every report once through a kill -9, and holds the rate limit across workers',
      async () => {
        // ---- the reference: one in-process Netra on SQLite, the same messages chat by chat ----
        const reference = await createTestApp(ENV);
        const asIncoming = (s: Step): IncomingMessage => ({
          channel: 'telegram',
          chatId: String(s.chat.id),
          userId: String(s.from.id),
          isPrivate: s.chat.type === 'private',
          isAdmin: false,
          ...('press' in s.action ? { text: '', choiceId: s.action.press } : { text: s.action.text }),
        });
        const refTurn = (s: Step) => reference.conversation.handle(asIncoming(s));
        const chats: { steps: Step[]; expected: string[][]; reporter: boolean }[] = [];
        for (let n = 0; n < REPORTERS; n++) {
          const from = user(610_000_001 + n, 'Pelapor');
          const script = await buildReporterScript(refTurn, privateChat(from.id, 'Pelapor'), from, n);
          chats.push({ steps: script.steps, expected: script.replies.map((r) => textsOf(r).map(normalise)), reporter: true });
        }
        const questions = BENCH_QUESTIONS.filter((q) => q.onTopic).map((q) => q.question);
        let remaining = MESSAGES - chats.reduce((sum, c) => sum + c.steps.length, 0);
        for (let n = 0; n < ASKERS; n++) {
          const from = user(620_000_001 + n, 'Penanya');
          const chat = privateChat(from.id, 'Penanya');
          const count = Math.ceil(remaining / (ASKERS - n));
          remaining -= count;
          const steps: Step[] = [];
          const expected: string[][] = [];
          for (let i = 0; i < count; i++) {
            const step = { action: { text: questions[(n * 7 + i) % questions.length]! }, chat, from };
            expected.push(textsOf(await refTurn(step)).map(normalise));
            steps.push(step);
          }
          chats.push({ steps, expected, reporter: false });
        }
        await reference.close();
        expect(chats.reduce((sum, c) => sum + c.steps.length, 0)).toBe(MESSAGES);

        // ---- the deployment: fake Telegram, one fresh database, three workers ----
        const fake = await FakeTelegramApi.start();
        const db = await freshDatabase(baseUrl);
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-workers-'));
        // One data directory all workers mount (evidence files), with the run's index in it.
        fs.cpSync(inject('netraIndexDir'), path.join(dataDir, 'index'), { recursive: true });
        const workers: (WorkerProcess & { url: string })[] = [];
        try {
          for (let i = 0; i < WORKERS; i++) {
            const port = await freePort();
            const w = startWorker(`worker-${i + 1}`, {
              ...ENV,
              NETRA_DATA_DIR: dataDir,
              DATABASE_URL: db.url,
              DATABASE_POOL_SIZE: '4',
              TELEGRAM_BOT_TOKEN: fake.token,
              TELEGRAM_API_ROOT: fake.apiRoot,
              TELEGRAM_WEBHOOK_URL: 'https://netra.example.go.id/telegram/webhook',
              TELEGRAM_WEBHOOK_PORT: String(port),
              LOG_LEVEL: 'info',
            });
            workers.push({ ...w, url: `http://127.0.0.1:${port}/` });
          }
          // Ready when each has set its webhook (its server listens before that call).
          await Promise.race([
            (async () => {
              while (fake.callsTo('setWebhook').length < WORKERS) await new Promise((r) => setTimeout(r, 100));
            })(),
            ...workers.map((w) => w.exited.then((code) => Promise.reject(new Error(`${w.name} exited (${code}):\n${w.log().slice(-2000)}`)))),
          ]);

          const driver = new WebhookDriver(fake, workers, fake.token);
          const victim = workers[1]!;
          let killed = false;
          /** Per chat, how each of its messages was delivered (more than one worker: redelivered). */
          const deliveries: Delivery[][] = chats.map(() => []);

          /** One chat's messages, each delivered once the previous was acknowledged (as Telegram does). */
          const runChat = async (i: number, steps: Step[]): Promise<void> => {
            for (const step of steps) {
              deliveries[i]!.push(await driver.deliver(driver.update(step.chat, step.from, step.action)));
              if (!killed && driver.acknowledged.length >= KILL_AFTER && driver.inFlight(victim.name) > 0) {
                killed = true;
                victim.child.kill('SIGKILL');
                driver.markDead(victim.name);
              }
            }
          };

          // One user floods 25 groups at once (each message to the next worker): the limit counts across workers.
          const flooder = user(630_000_001, 'Banjir');
          const groups = Array.from({ length: FLOOD_GROUPS }, (_, i) => groupChat(-1_006_300_000_000 - i));
          const flood = async (): Promise<void> => {
            // The limit counts per clock minute: start where the burst cannot straddle two minutes.
            while (Date.now() % 60_000 > 45_000) await new Promise((r) => setTimeout(r, 250));
            await Promise.all(groups.map((g) => driver.deliver(driver.update(g, flooder, { text: '@NetraTestBot Bolehkah PNS ikut kampanye?' }))));
          };

          await Promise.all([...chats.map((c, i) => runChat(i, c.steps)), flood()]);
          expect(killed, 'the victim was killed mid-way').toBe(true);
          expect(driver.acknowledged.length).toBe(MESSAGES + FLOOD_GROUPS);

          // ---- every chat: its replies in order, reply i answering message i, as the single process replied ----
          // A redelivered message (its first worker was killed) may show what that worker sent
          // before dying, then its whole reply again. A mismatch shows the workers' warnings and errors.
          const problems = (): string =>
            workers
              .flatMap((w) => w.log().split('\n').filter((l) => /"level":(40|50|60)/.test(l)).map((l) => `${w.name}: ${l.slice(0, 300)}`))
              .join('\n');
          let redelivered = 0;
          for (const [i, c] of chats.entries()) {
            const sent = fake.sentMessages(c.steps[0]!.chat.id).map((m) => normalise(m.text ?? ''));
            const again = new Set(deliveries[i]!.flatMap((d, j) => (d.workers.length > 1 ? [j] : [])));
            redelivered += again.size;
            const matched = repliesMatch(sent, c.expected, again);
            if (!matched) {
              expect(sent, `chat ${i}: replies out of order or different (redelivered: ${[...again]})\n${problems()}`).toEqual(c.expected.flat());
            }
          }
          expect(redelivered, 'updates the killed worker held were redelivered').toBeGreaterThan(0);

          // ---- no report lost or duplicated ----
          const tickets = chats
            .filter((c) => c.reporter)
            .map((c) => [...new Set(fake.sentMessages(c.steps[0]!.chat.id).flatMap((m) => (m.text ?? '').match(/NTR-[0-9A-Z]{4}-[0-9A-Z]{4}/g) ?? []))]);
          for (const t of tickets) expect(t).toHaveLength(1);
          const client = new pg.Client({ connectionString: db.url });
          await client.connect();
          const stored = await client.query<{ ticket: string }>('SELECT ticket FROM reports ORDER BY ticket').finally(() => undefined);
          const drafts = await client.query('SELECT 1 FROM report_drafts');
          await client.end();
          expect(stored.rows.map((r) => r.ticket).sort()).toEqual(tickets.flat().sort());
          expect(stored.rows).toHaveLength(REPORTERS);
          expect(drafts.rowCount).toBe(0);

          // ---- the flood: the limit's worth of answers, one notice, then silence ----
          const groupTexts = groups.flatMap((g) => fake.sentMessages(g.id).map((m) => m.text ?? ''));
          expect(groupTexts.filter((t) => t.includes(RATE_LIMITED_TEXT))).toHaveLength(1);
          expect(groupTexts.filter((t) => !t.includes(RATE_LIMITED_TEXT))).toHaveLength(RATE_LIMIT);

          // Personal data never in the logs: no chat or user id of this run appears in any worker's log.
          for (const w of workers) {
            for (const id of [...chats.map((c) => c.steps[0]!.chat.id), flooder.id, ...groups.map((g) => g.id)]) {
              expect(w.log().includes(String(id)), `${w.name} logged an id`).toBe(false);
            }
          }

          // The survivors stop cleanly on SIGTERM.
          for (const w of workers.filter((w) => w !== victim)) w.child.kill('SIGTERM');
          for (const w of workers.filter((w) => w !== victim)) expect(await w.exited).toBe(0);
        } finally {
          for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
          await Promise.all(workers.map((w) => w.exited));
          await fake.close();
          await db.drop();
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      },
      300_000,
    );
  });
} else {
  describe.skip(`multi-worker test — not run: ${HOW_TO_RUN_POSTGRES}`, () => {
    it('runs three workers on one PostgreSQL', () => undefined);
  });
}
