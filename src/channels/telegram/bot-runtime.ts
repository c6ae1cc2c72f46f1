import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, type Api, type BotError, type Context, type Transformer } from 'grammy';
import type { InlineKeyboardMarkup, Message, ReplyParameters } from 'grammy/types';
import type { Config } from '../../config/config.js';
import type { ChoiceTokens } from '../../conversation/choice-tokens.js';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage, PrivateChatLinks } from '../../conversation/messages.js';
import type { NotifierRegistry } from '../../conversation/notifier-registry.js';
import { hashUserId, type Logger } from '../../logging/logger.js';
import { addressedText } from './addressing.js';
import { AlbumCollector } from './album-collector.js';
import { extractAttachments, type FileDownloadOptions } from './attachments.js';
import { actionableTelegramError, describeError, errorCode } from './errors.js';
import { formatAnswerHtml, formatBriefHtml, formatTextHtml } from './format-answer-html.js';
import { escapeHtml, htmlToPlainText } from './html.js';
import { buildInlineKeyboard, CallbackDataCodec, withoutChoices } from './keyboard.js';

/** What the Telegram adapter needs; everything else (answers, reports, commands) lives behind `conversation`. */
export interface TelegramDeps {
  config: NonNullable<Config['telegram']>;
  /** The admins' chat for report notices: it also gets the admin command menu. */
  adminChatId?: string;
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  logger: Logger;
  /** Attachments larger than this are refused before download. */
  maxFileBytes: number;
  /** How long an album waits for its next photo before it is handed on as one message (ms). */
  albumQuietMs?: number;
  /**
   * In a group, "typing…" appears only when the answer takes longer than this (ms, default
   * 1000): chatter Netra stays silent on, and quick replies, show none to the whole group.
   */
  groupTypingDelayMs?: number;
  /**
   * Where the tokens of button data longer than 64 bytes are kept: shared by every worker with
   * PostgreSQL (NetraApp.choiceTokens), so a press that reaches another worker still works; in
   * this process when unset.
   */
  choiceTokens?: ChoiceTokens;
  /** Told when Telegram cannot be reached (and when it can again), for `/healthz`. */
  onConnection?: (reachable: boolean, detail?: string) => void;
  /**
   * Outgoing flood limits, passed to @grammyjs/transformer-throttler. The defaults follow
   * Telegram's published limits (about 1 message per second per private chat, 20 per minute
   * per group, 30 per second overall); tests may use a faster pace.
   */
  throttle?: APIThrottlerOptions;
}

/** The update types the adapter handles; asking Telegram for only these saves traffic. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** Sent when the conversation fails, so the user is not left waiting for an answer that will not come. */
export const FAILURE_TEXT =
  'Maaf, terjadi gangguan saat memproses pesan Anda. Silakan coba lagi beberapa saat lagi.';

/** Shown on a button whose long id is no longer known (its token expired, or the bot restarted without a shared store). */
export const EXPIRED_BUTTON_TEXT = 'Tombol ini sudah tidak berlaku. Silakan kirim pesan baru.';

/** Shown above a keyboard when the conversation sends choices without text: Telegram refuses empty messages. */
const CHOICES_ONLY_TEXT = '👇';

/** Telegram shows "typing…" for about 5 seconds; long answers need it renewed. */
const TYPING_REFRESH_MS = 4_500;

/** See {@link TelegramDeps.groupTypingDelayMs}. */
const GROUP_TYPING_DELAY_MS = 1_000;

/**
 * A button press is answered (the spinner stops) with the conversation's toast when it comes
 * within this time; a slower turn (a follow-up question with an LLM) gets an empty answer first.
 */
const CALLBACK_ANSWER_WAIT_MS = 2_000;

/** Internal pieces `startTelegram` needs next to the bot. */
export interface TelegramRuntime {
  bot: Bot;
  logger: Logger;
  /** Updates being handled right now, so stopping can let them finish. */
  inFlight: Set<Promise<unknown>>;
}

/** The grammY bot with the whole adapter installed (not started), plus the bookkeeping the starter needs. */
export function buildTelegramRuntime(deps: TelegramDeps): TelegramRuntime {
  const logger = deps.logger.child({ channel: 'telegram' });
  const apiRoot = telegramApiRoot(deps.config);
  const bot = new Bot(deps.config.token, { client: { apiRoot } });

  // Order matters: the last transformer installed runs first. A retried call goes back
  // through the throttler, and the observer sees every raw attempt.
  bot.api.config.use(observeFailures(logger, deps.onConnection));
  bot.api.config.use(throttleSends(deps.throttle));
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));

  const inFlight = new Set<Promise<unknown>>();
  bot.use(async (_ctx, next) => {
    const task = next();
    inFlight.add(task);
    try {
      await task;
    } finally {
      inFlight.delete(task);
    }
  });

  const handler = new MessageHandler(deps, logger, {
    api: bot.api,
    token: deps.config.token,
    apiRoot,
    maxFileBytes: deps.maxFileBytes,
  });
  // The boundary keeps a failing update from escaping into grammY, which would stop
  // `bot.start()` and, in webhook mode, surface as an unhandled rejection.
  const guarded = bot.errorBoundary((err) => handler.onError(err));
  // An album arrives as one update per photo, all at once: collect them (before the per-chat
  // ordering, which would hold the later photos back) and hand them on as one message.
  const albums = new AlbumCollector(deps.albumQuietMs);
  guarded.on('message', async (ctx, next) => {
    if (!ctx.message.media_group_id) return next();
    const album = await albums.collect(ctx.message);
    if (album) {
      handler.albums.set(ctx.update.update_id, album);
      await next();
    }
  });
  // Concurrent across chats, in order within a chat: a reporter's steps must not overtake each other.
  guarded.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  guarded.on('message', (ctx) => handler.onMessage(ctx));
  guarded.on('callback_query:data', (ctx) => handler.onCallback(ctx));

  // Only reached when the error handler itself fails; logging is all that is left to do.
  bot.catch((err) => {
    const from = err.ctx.from;
    logger.error(
      {
        update_id: err.ctx.update.update_id,
        user: from ? hashUserId('telegram', String(from.id)) : undefined,
        error: describeError(err.error),
      },
      'galat tak tertangani di bot Telegram',
    );
  });

  return { bot, logger, inFlight };
}

/** The Bot API root for API calls and file downloads (grammY refuses a trailing slash). */
export function telegramApiRoot(config: NonNullable<Config['telegram']>): string {
  return (config.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
}

interface Target {
  chatId: number;
  /** Set in groups: the answer replies to the asking message so the thread stays readable. */
  replyTo?: number;
  /** Forum topic the question came from. */
  threadId?: number;
}

class MessageHandler {
  private readonly codec: CallbackDataCodec;
  private readonly adminIds: ReadonlySet<string>;
  /** Albums collected for an update (its first photo), read once by {@link onMessage}. */
  readonly albums = new Map<number, Message[]>();

  constructor(
    private readonly deps: TelegramDeps,
    private readonly logger: Logger,
    private readonly download: FileDownloadOptions,
  ) {
    this.adminIds = new Set(deps.config.adminIds);
    this.codec = new CallbackDataCodec(deps.choiceTokens);
  }

  async onMessage(ctx: Context): Promise<void> {
    const first = ctx.message;
    const from = first?.from;
    if (!first || !from || from.is_bot) return;
    const album = this.albums.get(ctx.update.update_id);
    this.albums.delete(ctx.update.update_id);
    const parts = album ?? [first];
    // An album's caption sits on one of its photos; that one decides whether the bot is addressed.
    const message = parts.find((m) => m.caption !== undefined || m.text !== undefined) ?? first;
    const isPrivate = message.chat.type === 'private';
    const text = addressedText(message, { id: ctx.me.id, username: ctx.me.username }, isPrivate);
    if (text === undefined) return;
    const attachments = parts.flatMap((m) => extractAttachments(m, this.download));
    // Stickers, locations and service messages carry nothing the conversation can read.
    if (text === '' && attachments.length === 0 && message.text === undefined) return;

    const incoming: IncomingMessage = {
      channel: 'telegram',
      chatId: String(message.chat.id),
      userId: String(from.id),
      isPrivate,
      isAdmin: this.adminIds.has(String(from.id)),
      text,
      ...(attachments.length > 0 ? { attachments } : {}),
      ...(isPrivate ? {} : { links: privateChatLinks(ctx.me.username) }),
      // A webhook Telegram retries (no 200 from a worker that died) carries the same update_id.
      deliveryId: String(ctx.update.update_id),
    };
    const target: Target = {
      chatId: message.chat.id,
      replyTo: isPrivate ? undefined : message.message_id,
      threadId: message.is_topic_message ? message.message_thread_id : undefined,
    };
    await this.converse(ctx.api, incoming, target, async (outgoing) => {
      for (const out of outgoing) await this.render(ctx.api, target, out);
    });
  }

  async onCallback(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    if (!query?.data) return;
    const message = query.message;
    const choiceId = await this.codec.decode(query.data);
    if (!message || choiceId === undefined) {
      await ctx.answerCallbackQuery({ text: EXPIRED_BUTTON_TEXT }).catch(ignore);
      return;
    }
    const userId = String(query.from.id);
    const isPrivate = message.chat.type === 'private';
    const incoming: IncomingMessage = {
      channel: 'telegram',
      chatId: String(message.chat.id),
      userId,
      isPrivate,
      isAdmin: this.adminIds.has(userId),
      text: '',
      choiceId,
      ...(isPrivate ? {} : { links: privateChatLinks(ctx.me.username) }),
      deliveryId: String(ctx.update.update_id),
    };
    const threadId = 'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined;
    const target: Target = { chatId: message.chat.id, threadId };

    // Until the press is answered the user's client shows a spinner on the button. The answer
    // carries the conversation's toast when it comes in time, so a vote posts nothing in the chat.
    let answered = false;
    const early = setTimeout(() => {
      answered = true;
      void ctx.answerCallbackQuery().catch(ignore);
    }, CALLBACK_ANSWER_WAIT_MS);
    early.unref();
    try {
      await this.converse(
        ctx.api,
        incoming,
        target,
        async (outgoing) => {
          clearTimeout(early);
          const ack = outgoing.find((o): o is Extract<OutgoingMessage, { kind: 'ack' }> => o.kind === 'ack');
          if (!answered) {
            answered = true;
            await ctx.answerCallbackQuery(ack ? { ...(ack.text ? { text: ack.text } : {}), ...(ack.url ? { url: ack.url } : {}) } : {}).catch(ignore);
          }
          if (ack?.dropChoices !== undefined && 'reply_markup' in message) {
            const keyboard = await withoutChoices(message.reply_markup, ack.dropChoices, this.codec);
            await ctx.api
              .editMessageReplyMarkup(message.chat.id, message.message_id, { reply_markup: keyboard ?? { inline_keyboard: [] } })
              .catch(ignore);
          }
          for (const out of outgoing) if (out.kind !== 'ack') await this.render(ctx.api, target, out);
        },
        { typing: false },
      );
    } finally {
      clearTimeout(early);
    }
  }

  /** Logs a failed update without its content and tells the user something went wrong. */
  async onError(err: BotError<Context>): Promise<void> {
    const ctx = err.ctx;
    this.logger.error(
      {
        update_id: ctx.update.update_id,
        user: ctx.from ? hashUserId('telegram', String(ctx.from.id)) : undefined,
        error: describeError(err.error),
      },
      'gagal memproses pesan Telegram',
    );
    const chatId = ctx.chat?.id;
    // 403: the user blocked the bot or it left the group; an apology would fail the same way.
    if (chatId === undefined || errorCode(err.error) === 403) return;
    const replyTo = ctx.chat?.type !== 'private' ? ctx.message?.message_id : undefined;
    await ctx.api
      .sendMessage(chatId, escapeHtml(FAILURE_TEXT), { parse_mode: 'HTML', reply_parameters: replyParameters(replyTo) })
      .catch(ignore);
  }

  /**
   * One conversation turn, its replies sent by `send` inside the chat's order (see
   * ConversationHandler.handle), so with several workers a chat's replies never interleave.
   */
  private async converse(
    api: Api,
    incoming: IncomingMessage,
    target: Target,
    send: (outgoing: OutgoingMessage[]) => Promise<void>,
    options: { typing?: boolean } = {},
  ): Promise<void> {
    // Groups have negative chat ids; there "typing…" waits, so silence shows nothing at all.
    const delay = target.chatId < 0 ? (this.deps.groupTypingDelayMs ?? GROUP_TYPING_DELAY_MS) : 0;
    const stopTyping = options.typing === false ? () => undefined : keepTyping(api, target, delay);
    let sent = false;
    let outgoing: OutgoingMessage[];
    try {
      outgoing = await this.deps.conversation.handle(incoming, async (replies) => {
        sent = true;
        stopTyping();
        await send(replies);
      });
    } finally {
      stopTyping();
    }
    if (!sent) await send(outgoing);
  }

  private async render(api: Api, target: Target, out: OutgoingMessage): Promise<void> {
    // An ack outside a button press (rare) is shown as a short message.
    if (out.kind === 'ack') {
      if (out.text) await sendHtml(api, target, escapeHtml(out.text));
      return;
    }
    const choices = out.choices ?? [];
    const parts =
      out.kind === 'answer'
        ? out.brief
          ? [formatBriefHtml(out.answer, out.brief)]
          : formatAnswerHtml(out.answer, undefined, { followUpsAsButtons: choices.some((c) => c.id.startsWith('ask:')) })
        : formatTextHtml(out.text);
    const keyboard = choices.length > 0 ? await buildInlineKeyboard(choices, this.codec) : undefined;
    if (parts.length === 0) {
      if (!keyboard) return;
      parts.push(CHOICES_ONLY_TEXT);
    }
    for (const [i, part] of parts.entries()) {
      // The buttons go under the last part, where the user finishes reading.
      await sendHtml(api, target, part, i === parts.length - 1 ? keyboard : undefined);
    }
  }
}

async function sendHtml(api: Api, target: Target, html: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  const options = {
    reply_parameters: replyParameters(target.replyTo),
    message_thread_id: target.threadId,
    reply_markup: keyboard,
    link_preview_options: { is_disabled: true },
  };
  try {
    await api.sendMessage(target.chatId, html, { ...options, parse_mode: 'HTML' });
  } catch (err) {
    // A Bot API server that does not know a tag (e.g. an old self-hosted one and
    // `<blockquote expandable>`) still gets the content, as plain text.
    if (!(err instanceof GrammyError) || err.error_code !== 400 || !/parse entities/i.test(err.description)) throw err;
    await api.sendMessage(target.chatId, htmlToPlainText(html), options);
  }
}

function replyParameters(messageId: number | undefined): ReplyParameters | undefined {
  return messageId === undefined ? undefined : { message_id: messageId, allow_sending_without_reply: true };
}

/** Shows "typing…" after `delayMs` (at once when 0) and renews it until the returned function is called. */
function keepTyping(api: Api, target: Target, delayMs: number): () => void {
  const send = (): void => {
    // Cosmetic only: a failure must never delay or break the answer.
    api.sendChatAction(target.chatId, 'typing', { message_thread_id: target.threadId }).catch(ignore);
  };
  let interval: NodeJS.Timeout | undefined;
  const begin = (): void => {
    send();
    interval = setInterval(send, TYPING_REFRESH_MS);
    interval.unref();
  };
  if (delayMs <= 0) {
    begin();
    return () => clearInterval(interval);
  }
  const wait = setTimeout(begin, delayMs);
  wait.unref();
  return () => {
    clearTimeout(wait);
    clearInterval(interval);
  };
}

/** Deep links into the private chat: `?start=lapor` starts a report, `?start=a<token>` shows a full answer. */
function privateChatLinks(username: string): PrivateChatLinks {
  return {
    report: `https://t.me/${username}?start=lapor`,
    fullAnswer: (token) => `https://t.me/${username}?start=a${token}`,
  };
}

/** The throttler without "typing…": it is not a message and must not wait behind the answer. */
function throttleSends(options: APIThrottlerOptions | undefined): Transformer {
  const throttled = apiThrottler(options);
  return (prev, method, payload, signal) =>
    method === 'sendChatAction' ? prev(method, payload, signal) : throttled(prev, method, payload, signal);
}

/** Logs the failures an operator must act on (wrong token, two instances) and lost connections. */
function observeFailures(logger: Logger, onConnection?: (reachable: boolean, detail?: string) => void): Transformer {
  let unreachable = false;
  return async (prev, method, payload, signal) => {
    const watched = method === 'getUpdates' || method === 'getMe';
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        const hint = actionableTelegramError(result);
        if (hint) logger.error({ method, code: result.error_code }, hint);
      }
      if (watched && unreachable) {
        unreachable = false;
        onConnection?.(true);
      }
      return result;
    } catch (err) {
      // grammY and the runner retry these two on their own; without a log an outage looks like a hang.
      if (watched && !signal?.aborted) {
        logger.warn({ error: describeError(err) }, 'koneksi ke Telegram terputus; mencoba lagi');
        unreachable = true;
        onConnection?.(false, `Telegram tidak dapat dihubungi (${describeError(err).message}); mencoba lagi`);
      }
      throw err;
    }
  };
}

function ignore(): void {}
