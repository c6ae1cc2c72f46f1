import { EventEmitter } from 'node:events';
import type {
  WhatsAppClientLike,
  WhatsAppLidAndPhone,
  WhatsAppMediaLike,
  WhatsAppMessageLike,
  WhatsAppQuotedLike,
  WhatsAppWidLike,
} from '../../src/channels/whatsapp/whatsapp-client-like.js';
import type { ConversationHandler } from '../../src/conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../src/conversation/messages.js';

/** The bot's phone number and LID in these tests (synthetic, not real accounts). */
export const BOT_NUMBER = '6281100000001';
export const BOT_LID = '210000000000001';

/** One message the adapter sent; `quotedId` is set when it was a `message.reply()`. */
export interface SentMessage {
  chatId: string;
  text: string;
  quotedId?: string;
}

/**
 * An in-process stand-in for the whatsapp-web.js Client: tests emit its events and read what the
 * adapter sent. No browser, no network.
 */
export class FakeWhatsAppClient extends EventEmitter implements WhatsAppClientLike {
  info: { wid?: WhatsAppWidLike; lid?: WhatsAppWidLike } | null = null;
  readonly sent: SentMessage[] = [];
  initializeCalls = 0;
  destroyCalls = 0;
  /** LID → phone-number id, as `getContactLidAndPhone` would resolve it. */
  readonly lidToPhone = new Map<string, string>();
  /** When set, `getContactLidAndPhone(own wid)` reveals this as the bot's LID. */
  ownLid: string | undefined;
  lidLookups = 0;
  /** Makes `sendMessage` fail, to test that a broken send does not stop the client. */
  failSends = false;

  async initialize(): Promise<void> {
    this.initializeCalls += 1;
  }

  async destroy(): Promise<void> {
    this.destroyCalls += 1;
  }

  async sendMessage(chatId: string, content: string): Promise<unknown> {
    if (this.failSends) throw new Error('send failed for 6281234567890@c.us');
    this.sent.push({ chatId, text: content });
    return {};
  }

  async getContactLidAndPhone(userIds: string[]): Promise<WhatsAppLidAndPhone[]> {
    this.lidLookups += 1;
    return userIds.map((id) => {
      if (id === `${BOT_NUMBER}@c.us`) return this.ownLid ? { lid: this.ownLid, pn: id } : { pn: id };
      const pn = this.lidToPhone.get(id);
      return pn ? { lid: id, pn } : {};
    });
  }

  /** Simulates a successful pairing / session restore. */
  becomeReady(number = BOT_NUMBER): void {
    this.info = { wid: { user: number, server: 'c.us', _serialized: `${number}@c.us` } };
    this.emit('ready');
  }

  /** Texts sent to one chat, in order. */
  textsTo(chatId: string): string[] {
    return this.sent.filter((s) => s.chatId === chatId).map((s) => s.text);
  }
}

/** A fake message with the fields the adapter reads, plus knobs for quoted messages and media. */
export interface FakeMessage extends WhatsAppMessageLike {
  id: { _serialized: string };
  quoted?: WhatsAppQuotedLike;
  media?: WhatsAppMediaLike | null;
  downloads: number;
}

let sequence = 0;

/** Builds a message as whatsapp-web.js would deliver it, sent "now" unless `timestamp` says otherwise. */
export function fakeMessage(
  client: FakeWhatsAppClient,
  init: Partial<Omit<FakeMessage, 'getQuotedMessage' | 'downloadMedia' | 'reply'>> & { from: string },
): FakeMessage {
  sequence += 1;
  const message: FakeMessage = {
    id: { _serialized: `false_${init.from}_MSG${sequence}` },
    body: '',
    type: 'chat',
    fromMe: false,
    timestamp: Math.floor(Date.now() / 1000),
    isStatus: false,
    hasMedia: false,
    hasQuotedMsg: false,
    mentionedIds: [],
    downloads: 0,
    ...init,
    async getQuotedMessage() {
      return message.quoted;
    },
    async downloadMedia() {
      message.downloads += 1;
      return message.media;
    },
    async reply(content: string) {
      client.sent.push({ chatId: message.from, text: content, quotedId: message.id._serialized });
      return {};
    },
  };
  return message;
}

/**
 * A conversation that records what it received and answers with `respond` (by default an echo),
 * for testing what the adapter translates without the real pipeline.
 */
export class RecordingConversation implements ConversationHandler {
  readonly received: IncomingMessage[] = [];

  constructor(
    private readonly respond: (m: IncomingMessage) => OutgoingMessage[] | Promise<OutgoingMessage[]> = (m) => [
      { kind: 'text', text: `Jawaban untuk: ${m.text}` },
    ],
  ) {}

  async handle(message: IncomingMessage): Promise<OutgoingMessage[]> {
    this.received.push(message);
    return this.respond(message);
  }
}

/** Lets pending promise callbacks (queue hand-offs, async handlers) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}
