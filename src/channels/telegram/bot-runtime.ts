import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { apiThrottler, type APIThrottlerOptions } from '@grammyjs/transformer-throttler';
import { Bot, GrammyError, type Api, type BotError, type Context, type Transformer } from 'grammy';
import type { InlineKeyboardMarkup, ReplyParameters } from 'grammy/types';
import type { Config } from '../../config/config.js';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { IncomingMessage, OutgoingMessage } from '../../conversation/messages.js';
import type { NotifierRegistry } from '../../conversation/notifier-registry.js';
import { RATE_LIMITED_TEXT, RateLimiter } from '../../conversation/rate-limiter.js';
import { hashUserId, type Logger } from '../../logging/logger.js';
import { addressedText } from './addressing.js';
import { extractAttachments, type FileDownloadOptions } from './attachments.js';
import { actionableTelegramError, describeError, errorCode } from './errors.js';
import { formatAnswerHtml, formatTextHtml } from './format-answer-html.js';
import { escapeHtml, htmlToPlainText } from './html.js';
import { buildInlineKeyboard, CallbackDataCodec } from './keyboard.js';

/** What the Telegram adapter needs; everything else (answers, reports, commands) lives behind `conversation`. */
export interface TelegramDeps {
  config: NonNullable<Config['telegram']>;
  /** The admins' chat for report notices: it also gets the admin command menu. */
  adminChatId?: string;
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  logger: Logger;
  /** Messages (and button presses) one user may send per minute before getting {@link RATE_LIMITED_TEXT}. */
  rateLimitPerMinute: number;
  /** Attachments larger than this are refused before download. */
  maxFileBytes: number;
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

/** Shown on a button whose long id was forgotten (the bot restarted since it was sent). */
export const EXPIRED_BUTTON_TEXT = 'Tombol ini sudah tidak berlaku. Silakan kirim pesan baru.';

/** Shown above a keyboard when the conversation sends choices without text: Telegram refuses empty messages. */
const CHOICES_ONLY_TEXT = '👇';

/** Telegram shows "typing…" for about 5 seconds; long answers need it renewed. */
const TYPING_REFRESH_MS = 4_500;

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
  bot.api.config.use(observeFailures(logger));
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
  private readonly limiter: RateLimiter;
  private readonly limitNoticeAt = new Map<string, number>();
  private readonly codec = new CallbackDataCodec();
  private readonly adminIds: ReadonlySet<string>;

  constructor(
    private readonly deps: TelegramDeps,
    private readonly logger: Logger,
    private readonly download: FileDownloadOptions,
  ) {
    this.limiter = new RateLimiter(deps.rateLimitPerMinute);
    this.adminIds = new Set(deps.config.adminIds);
  }

  async onMessage(ctx: Context): Promise<void> {
    const message = ctx.message;
    const from = message?.from;
    if (!message || !from || from.is_bot) return;
    const isPrivate = message.chat.type === 'private';
    const text = addressedText(message, { id: ctx.me.id, username: ctx.me.username }, isPrivate);
    if (text === undefined) return;
    const attachments = extractAttachments(message, this.download);
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
      ...(isPrivate ? {} : { privateChatLink: privateChatLink(ctx.me.username) }),
    };
    const target: Target = {
      chatId: message.chat.id,
      replyTo: isPrivate ? undefined : message.message_id,
      threadId: message.is_topic_message ? message.message_thread_id : undefined,
    };
    if (!this.limiter.take(incoming.userId)) {
      await this.noticeRateLimited(ctx.api, target, incoming.userId);
      return;
    }
    await this.deliver(ctx.api, incoming, target);
  }

  async onCallback(ctx: Context): Promise<void> {
    const query = ctx.callbackQuery;
    if (!query?.data) return;
    const message = query.message;
    const choiceId = this.codec.decode(query.data);
    if (!message || choiceId === undefined) {
      await ctx.answerCallbackQuery({ text: EXPIRED_BUTTON_TEXT }).catch(ignore);
      return;
    }
    const userId = String(query.from.id);
    if (!this.limiter.take(userId)) {
      // A toast instead of a chat message: pressing buttons fast should not fill the chat.
      await ctx.answerCallbackQuery({ text: RATE_LIMITED_TEXT }).catch(ignore);
      return;
    }
    // Answer first: until then the user's client shows a spinner on the button.
    await ctx.answerCallbackQuery().catch(ignore);
    const isPrivate = message.chat.type === 'private';
    const incoming: IncomingMessage = {
      channel: 'telegram',
      chatId: String(message.chat.id),
      userId,
      isPrivate,
      isAdmin: this.adminIds.has(userId),
      text: '',
      choiceId,
      ...(isPrivate ? {} : { privateChatLink: privateChatLink(ctx.me.username) }),
    };
    const threadId = 'is_topic_message' in message && message.is_topic_message ? message.message_thread_id : undefined;
    await this.deliver(ctx.api, incoming, { chatId: message.chat.id, threadId });
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

  private async deliver(api: Api, incoming: IncomingMessage, target: Target): Promise<void> {
    const stopTyping = keepTyping(api, target);
    let outgoing: OutgoingMessage[];
    try {
      outgoing = await this.deps.conversation.handle(incoming);
    } finally {
      stopTyping();
    }
    for (const out of outgoing) await this.render(api, target, out);
  }

  private async render(api: Api, target: Target, out: OutgoingMessage): Promise<void> {
    const parts = out.kind === 'answer' ? formatAnswerHtml(out.answer) : formatTextHtml(out.text);
    const keyboard = out.choices && out.choices.length > 0 ? buildInlineKeyboard(out.choices, this.codec) : undefined;
    if (parts.length === 0) {
      if (!keyboard) return;
      parts.push(CHOICES_ONLY_TEXT);
    }
    for (const [i, part] of parts.entries()) {
      // The buttons go under the last part, where the user finishes reading.
      await sendHtml(api, target, part, i === parts.length - 1 ? keyboard : undefined);
    }
  }

  private async noticeRateLimited(api: Api, target: Target, userId: string): Promise<void> {
    const now = Date.now();
    // One notice per minute: answering every message of a flood would be a flood of our own.
    if (now - (this.limitNoticeAt.get(userId) ?? 0) < 60_000) return;
    this.limitNoticeAt.set(userId, now);
    if (this.limitNoticeAt.size > 10_000) {
      for (const [k, t] of this.limitNoticeAt) if (now - t >= 60_000) this.limitNoticeAt.delete(k);
    }
    await sendHtml(api, target, escapeHtml(RATE_LIMITED_TEXT));
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

function keepTyping(api: Api, target: Target): () => void {
  const send = (): void => {
    // Cosmetic only: a failure must never delay or break the answer.
    api.sendChatAction(target.chatId, 'typing', { message_thread_id: target.threadId }).catch(ignore);
  };
  send();
  const timer = setInterval(send, TYPING_REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}

function privateChatLink(username: string): string {
  return `https://t.me/${username}?start=lapor`;
}

/** The throttler without "typing…": it is not a message and must not wait behind the answer. */
function throttleSends(options: APIThrottlerOptions | undefined): Transformer {
  const throttled = apiThrottler(options);
  return (prev, method, payload, signal) =>
    method === 'sendChatAction' ? prev(method, payload, signal) : throttled(prev, method, payload, signal);
}

/** Logs the failures an operator must act on (wrong token, two instances) and lost connections. */
function observeFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (!result.ok) {
        const hint = actionableTelegramError(result);
        if (hint) logger.error({ method, code: result.error_code }, hint);
      }
      return result;
    } catch (err) {
      // grammY and the runner retry these two on their own; without a log an outage looks like a hang.
      if ((method === 'getUpdates' || method === 'getMe') && !signal?.aborted) {
        logger.warn({ error: describeError(err) }, 'koneksi ke Telegram terputus; mencoba lagi');
      }
      throw err;
    }
  };
}

function ignore(): void {}
