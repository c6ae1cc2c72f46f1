import pino from 'pino';
import { Writable } from 'node:stream';
import type { Answer } from '../../src/answer/answer-contract.js';
import { startTelegram, type TelegramDeps, type TelegramHandle } from '../../src/channels/telegram/index.js';
import type { ChoiceTokens } from '../../src/conversation/choice-tokens.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';
import { NotifierRegistry } from '../../src/conversation/notifier-registry.js';
import type { Logger } from '../../src/logging/logger.js';
import { FakeTelegramApi, type FakeCall, type FakeTelegramOptions } from '../support/fake-telegram-api.js';

/** A cited answer like the real pipeline gives for "like postingan caleg". */
export function sampleAnswer(question: string, overrides: Partial<Answer> = {}): Answer {
  return {
    question,
    verdict: 'dilarang',
    answer: 'PNS dilarang memberikan dukungan kepada calon, termasuk menyukai atau membagikan unggahan kampanye di media sosial.',
    citations: [
      {
        sourceId: 'pp-94-2021',
        title: 'PP 94/2021 tentang Disiplin PNS',
        ref: 'Pasal 5 huruf n angka 1',
        quote: 'ikut kampanye;',
        url: 'https://peraturan.bpk.go.id/Details/174495/pp-no-94-tahun-2021',
      },
    ],
    escalate: false,
    followUps: ['Bolehkah PNS hadir di acara kampanye?'],
    ...overrides,
  };
}

/**
 * A stand-in for the lead's conversation: records what the adapter passes and answers from
 * a script, so adapter behaviour can be tested on its own.
 */
export class RecordingConversation implements ConversationHandler {
  readonly received: IncomingMessage[] = [];
  readonly reindexRuns: string[] = [];

  constructor(public script: (message: IncomingMessage) => OutgoingMessage[] | Promise<OutgoingMessage[]> = defaultScript) {}

  async handle(message: IncomingMessage): Promise<OutgoingMessage[]> {
    this.received.push(message);
    if (message.text.startsWith('/reindex')) {
      if (!message.isAdmin) return [{ kind: 'text', text: 'Maaf, perintah /reindex hanya untuk admin Netra.' }];
      this.reindexRuns.push(message.userId);
      return [{ kind: 'text', text: 'Indeks pengetahuan selesai dibangun ulang.' }];
    }
    return this.script(message);
  }
}

function defaultScript(message: IncomingMessage): OutgoingMessage[] {
  if (message.choiceId) return [{ kind: 'text', text: `Pilihan diterima: ${message.choiceId}` }];
  return [
    {
      kind: 'answer',
      answer: sampleAnswer(message.text),
      choices: [
        { id: 'feedback:up:q1', label: '👍' },
        { id: 'feedback:down:q1', label: '👎' },
        { id: 'report:start', label: 'Laporkan pelanggaran' },
      ],
    },
  ];
}

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** A pino logger whose lines land in an array. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export interface Harness {
  fake: FakeTelegramApi;
  telegram: TelegramHandle;
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  logs: LogLine[];
  /** The next sendMessage in `chatId` made after the call count `since`. */
  nextMessage(chatId: number, since: number, predicate?: (call: FakeCall) => boolean): Promise<FakeCall>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  conversation?: ConversationHandler;
  notifiers?: NotifierRegistry;
  adminIds?: string[];
  adminChatId?: string;
  maxFileBytes?: number;
  webhookPort?: number;
  /** Set up the fake before the bot starts (known chats, failures). */
  prepare?: (fake: FakeTelegramApi) => void;
  /** In groups "typing…" waits this long (ms); the adapter's default when unset. */
  groupTypingDelayMs?: number;
  /** Keep Telegram's real flood limits instead of the quick test pace. */
  realThrottle?: boolean;
  /** Options of the fake Bot API (e.g. where its update ids start). */
  fake?: FakeTelegramOptions;
  /** Where long button data's tokens live (a worker's NetraApp.choiceTokens); the adapter's own memory when unset. */
  choiceTokens?: ChoiceTokens;
}

/** Starts the fake Bot API and the real adapter (runner long polling unless a webhook port is given). */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const fake = await FakeTelegramApi.start(options.fake);
  options.prepare?.(fake);
  const { logger, lines } = captureLogger();
  const conversation = options.conversation ?? new RecordingConversation();
  const notifiers = options.notifiers ?? new NotifierRegistry();
  const deps: TelegramDeps = {
    config: {
      token: fake.token,
      apiRoot: `${fake.apiRoot}/`,
      adminIds: options.adminIds ?? [],
      ...(options.webhookPort !== undefined
        ? { webhookUrl: `http://127.0.0.1:${options.webhookPort}/telegram`, webhookPort: options.webhookPort }
        : {}),
    },
    adminChatId: options.adminChatId,
    conversation,
    notifiers,
    logger,
    maxFileBytes: options.maxFileBytes ?? 1024 * 1024,
    albumQuietMs: 300,
    ...(options.groupTypingDelayMs !== undefined ? { groupTypingDelayMs: options.groupTypingDelayMs } : {}),
    ...(options.choiceTokens ? { choiceTokens: options.choiceTokens } : {}),
    // One send at a time per chat keeps the order; no pause between them keeps tests quick.
    ...(options.realThrottle ? {} : { throttle: { out: { maxConcurrent: 1 }, group: { maxConcurrent: 1 } } }),
  };
  let telegram: TelegramHandle;
  try {
    telegram = await startTelegram(deps);
  } catch (err) {
    await fake.close();
    throw err;
  }
  return {
    fake,
    telegram,
    conversation,
    notifiers,
    logs: lines,
    nextMessage: (chatId, since, predicate = () => true) =>
      fake.waitForCall('sendMessage', (c) => Number(c.payload.chat_id) === chatId && predicate(c), { since }),
    async close() {
      await telegram.stop();
      await fake.close();
    },
  };
}

/** Text of a sendMessage call. */
export function textOf(call: FakeCall): string {
  return String(call.payload.text);
}

/** Every tag in `html` is closed in order: what Telegram's HTML parser demands. */
export function isBalancedHtml(html: string): boolean {
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (m[1] === '') stack.push(m[2]!);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0 && !/<(?![a-z/])/.test(html);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
