import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Message, MessageEntity, PhotoSize, Update, User, UserFromGetMe } from 'grammy/types';

/** One Bot API call the bot made, with its decoded payload. */
export interface FakeCall {
  method: string;
  token: string;
  payload: Record<string, unknown>;
}

/** An error the fake answers with instead of a result (`{ ok: false, … }`). */
export interface FakeApiError {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface FakeTelegramOptions {
  token?: string;
  bot?: Partial<UserFromGetMe>;
  /** Long polls are held at most this long (Telegram's `timeout` is capped so tests stay quick). */
  maxPollSeconds?: number;
  /**
   * The first update_id (default 1). Two fakes that stand for one bot (its updates split between
   * two workers) start far apart, as one bot's updates never share an id.
   */
  firstUpdateId?: number;
}

interface StoredFile {
  path: string;
  bytes: Buffer;
  /** What getFile reports; lets a test claim a size without allocating it. */
  size: number;
}

type UserMessageInit = {
  chat?: Chat;
  from?: User;
  /** Computed like Telegram does (leading command, @mentions) when omitted. */
  entities?: MessageEntity[];
  replyTo?: Message;
  isTopicMessage?: boolean;
  threadId?: number;
  /** Items of one album (photos sent together) share this id, as Telegram's media_group_id. */
  mediaGroupId?: string;
};

export const DEFAULT_TOKEN = '123456:TEST-token_abc';

/** A private chat with user `id`. */
export function privateChat(id: number, firstName = 'Pengguna'): Chat.PrivateChat {
  return { id, type: 'private', first_name: firstName };
}

/** A supergroup (negative id, as Telegram gives them). */
export function groupChat(id: number, title = 'Grup ASN'): Chat.SupergroupChat {
  return { id, type: 'supergroup', title };
}

/** A human Telegram user. */
export function user(id: number, firstName = 'Pengguna'): User {
  return { id, is_bot: false, first_name: firstName, language_code: 'id' };
}

/** Entities Telegram would attach to a typed text: a leading bot command and @mentions. */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  if (command) entities.push({ type: 'bot_command', offset: 0, length: command[0].length });
  for (const m of text.matchAll(/(^|[^\w/])(@[A-Za-z0-9_]{5,32})/g)) {
    entities.push({ type: 'mention', offset: (m.index ?? 0) + (m[1]?.length ?? 0), length: m[2]!.length });
  }
  return entities;
}

/**
 * A small Bot API server for tests, on 127.0.0.1 with a random port: enough of Telegram for
 * grammY's real long polling (or a webhook) to run against it, with hooks to play the users.
 */
export class FakeTelegramApi {
  /** Every call, in order. */
  readonly calls: FakeCall[] = [];
  /** Deliveries to a webhook set with setWebhook: the HTTP status each got. */
  readonly webhookDeliveries: number[] = [];
  readonly botUser: UserFromGetMe;
  readonly token: string;

  private readonly server: Server;
  private readonly events = new EventEmitter();
  private readonly maxPollSeconds: number;
  private queue: Update[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextCallbackId = 1;
  private nextFileId = 1;
  private readonly failures = new Map<string, FakeApiError[]>();
  private readonly files = new Map<string, StoredFile>();
  private readonly chats = new Map<number, Chat>();
  private readonly messages = new Map<string, Message>();
  private webhook: { url: string; secret?: string } | undefined;
  private port = 0;

  private constructor(options: FakeTelegramOptions) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.maxPollSeconds = options.maxPollSeconds ?? 1;
    this.nextUpdateId = options.firstUpdateId ?? 1;
    this.botUser = {
      id: Number(this.token.split(':')[0]),
      is_bot: true,
      first_name: 'Netra',
      username: 'NetraTestBot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      ...options.bot,
    } as UserFromGetMe;
    this.events.setMaxListeners(100);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
    });
  }

  /** Starts a fake on 127.0.0.1 with a random free port. */
  static async start(options: FakeTelegramOptions = {}): Promise<FakeTelegramApi> {
    const fake = new FakeTelegramApi(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  /** What to pass as `apiRoot` (TELEGRAM_API_ROOT). */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  // ---- hooks that play Telegram's users -------------------------------------------------

  /** Makes Telegram know a chat (getChat, setMyCommands with a chat scope succeed for it). */
  knowChat(chat: Chat): void {
    this.chats.set(chat.id, chat);
  }

  /** Queues an update (or delivers it to the webhook when one is set); returns its update_id. */
  pushUpdate(update: Omit<Update, 'update_id'>): number {
    const full = { ...update, update_id: this.nextUpdateId++ } as Update;
    if (this.webhook) {
      void this.deliverToWebhook(full);
    } else {
      this.queue.push(full);
      this.events.emit('update');
    }
    return full.update_id;
  }

  /** A user writes `text` in a chat (default: a private chat with user 1001). */
  userSays(text: string, init: UserMessageInit = {}): Message {
    return this.pushMessage({ text, entities: init.entities ?? detectEntities(text) }, init);
  }

  /** A user sends a photo; the largest size serves `bytes`, a smaller thumbnail serves other bytes. */
  userSendsPhoto(bytes: Buffer, init: UserMessageInit & { caption?: string; reportedSize?: number } = {}): Message {
    const thumb = this.registerFile(Buffer.from('thumbnail'), { path: 'photos/thumb.jpg' });
    const large = this.registerFile(bytes, { path: 'photos/large.jpg', reportedSize: init.reportedSize });
    const photo: PhotoSize[] = [
      { file_id: thumb.file_id, file_unique_id: `${thumb.file_id}u`, width: 90, height: 60, file_size: thumb.file_size },
      { file_id: large.file_id, file_unique_id: `${large.file_id}u`, width: 1280, height: 853, file_size: large.file_size },
    ];
    const caption = init.caption;
    return this.pushMessage(
      { photo, ...(caption ? { caption, caption_entities: init.entities ?? detectEntities(caption) } : {}) },
      init,
    );
  }

  /** A user sends a document. */
  userSendsDocument(bytes: Buffer, fileName: string, mimeType: string, init: UserMessageInit & { reportedSize?: number } = {}): Message {
    const file = this.registerFile(bytes, { path: `documents/${fileName}`, reportedSize: init.reportedSize });
    return this.pushMessage(
      {
        document: {
          file_id: file.file_id,
          file_unique_id: `${file.file_id}u`,
          file_name: fileName,
          mime_type: mimeType,
          file_size: file.file_size,
        },
      },
      init,
    );
  }

  /** A user presses an inline button (`data` is its callback_data) under a message the bot sent. */
  pressButton(message: Message, data: string, from: User = user(1001)): string {
    const id = String(this.nextCallbackId++);
    this.pushUpdate({ callback_query: { id, from, chat_instance: 'fake', data, message } });
    return id;
  }

  /** Serves `bytes` through getFile and the file route. */
  registerFile(bytes: Buffer, opts: { path?: string; reportedSize?: number } = {}): { file_id: string; file_size: number } {
    const fileId = `file-${this.nextFileId++}`;
    const path = opts.path ?? `files/${fileId}`;
    this.files.set(fileId, { path: `${fileId}/${path}`, bytes, size: opts.reportedSize ?? bytes.length });
    return { file_id: fileId, file_size: opts.reportedSize ?? bytes.length };
  }

  /** The next `times` calls of `method` fail with `error` (e.g. 429 with retry_after). */
  failNext(method: string, times: number, error: FakeApiError): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: times }, () => error)]);
  }

  /** Calls of one method, in order. */
  callsTo(method: string): FakeCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot sent (sendMessage), optionally in one chat. */
  sentMessages(chatId?: number): Message[] {
    return [...this.messages.values()].filter(
      (m) => m.from?.id === this.botUser.id && (chatId === undefined || m.chat.id === chatId),
    );
  }

  /**
   * Resolves with the first call of `method` matching `predicate`, among the calls made from
   * index `since` on (default: all), waiting for it when needed.
   */
  waitForCall(
    method: string,
    predicate: (call: FakeCall) => boolean = () => true,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<FakeCall> {
    const match = (c: FakeCall): boolean => c.method === method && predicate(c);
    const found = this.calls.slice(options.since ?? 0).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onCall = (c: FakeCall): void => {
        if (!match(c)) return;
        clearTimeout(timer);
        this.events.off('call', onCall);
        resolve(c);
      };
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(new Error(`no ${method} call within ${options.timeoutMs ?? 5000} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, options.timeoutMs ?? 5000);
      this.events.on('call', onCall);
    });
  }

  /** Ends pending long polls and closes every connection. */
  async close(): Promise<void> {
    this.events.emit('closing');
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- the HTTP side ---------------------------------------------------------------------

  private pushMessage(content: Partial<Message>, init: UserMessageInit): Message {
    const from = init.from ?? user(1001);
    const chat = init.chat ?? privateChat(from.id, from.first_name);
    this.knowChat(chat);
    const message = {
      message_id: this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from,
      ...(init.replyTo ? { reply_to_message: init.replyTo } : {}),
      ...(init.isTopicMessage ? { is_topic_message: true, message_thread_id: init.threadId ?? 1 } : {}),
      ...(init.mediaGroupId ? { media_group_id: init.mediaGroupId } : {}),
      ...content,
    } as Message;
    this.messages.set(`${chat.id}:${message.message_id}`, message);
    this.pushUpdate({ message } as Omit<Update, 'update_id'>);
    return message;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && req.method === 'GET') return this.serveFile(file[1]!, decodeURIComponent(file[2]!), res);
    const api = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!api) return void res.writeHead(404).end();
    const [, token = '', method = ''] = api;
    const payload: Record<string, unknown> = { ...Object.fromEntries(url.searchParams), ...(await readPayload(req)) };
    const call: FakeCall = { method, token, payload };
    this.calls.push(call);
    this.events.emit('call', call);
    if (token !== this.token) return reply(res, { ok: false, error_code: 401, description: 'Unauthorized' });
    const failure = this.failures.get(method)?.shift();
    if (failure) {
      const { retry_after, ...rest } = failure;
      return reply(res, { ok: false, ...rest, ...(retry_after !== undefined ? { parameters: { retry_after } } : {}) });
    }
    if (method === 'getUpdates') return this.getUpdates(payload, res);
    const result = this.answer(method, payload);
    if ('error_code' in result) return reply(res, { ok: false, ...result });
    return reply(res, { ok: true, result: result.value });
  }

  private answer(method: string, p: Record<string, unknown>): { value: unknown } | FakeApiError {
    switch (method) {
      case 'getMe':
        return { value: this.botUser };
      case 'getChat': {
        const chat = this.chats.get(Number(p.chat_id));
        return chat ? { value: chat } : { error_code: 400, description: 'Bad Request: chat not found' };
      }
      case 'setMyCommands': {
        const scope = p.scope as { type?: string; chat_id?: number | string } | undefined;
        if (scope?.type === 'chat' && !this.chats.has(Number(scope.chat_id))) {
          return { error_code: 400, description: 'Bad Request: chat not found' };
        }
        return { value: true };
      }
      case 'getFile': {
        const stored = this.files.get(String(p.file_id));
        if (!stored) return { error_code: 400, description: 'Bad Request: invalid file_id' };
        return { value: { file_id: p.file_id, file_unique_id: `${String(p.file_id)}u`, file_size: stored.size, file_path: stored.path } };
      }
      case 'setWebhook':
        this.webhook = { url: String(p.url), secret: typeof p.secret_token === 'string' ? p.secret_token : undefined };
        return { value: true };
      case 'deleteWebhook':
        this.webhook = undefined;
        return { value: true };
      case 'getWebhookInfo':
        return { value: { url: this.webhook?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length } };
      case 'editMessageText':
        return { value: this.storeBotMessage(p, { text: String(p.text) }) };
      case 'sendChatAction':
        return { value: true };
      default:
        if (method.startsWith('send')) {
          if (method === 'sendMessage' && (typeof p.text !== 'string' || p.text.length === 0)) {
            return { error_code: 400, description: 'Bad Request: message text is empty' };
          }
          if (typeof p.text === 'string' && p.text.length > 4096) {
            return { error_code: 400, description: 'Bad Request: message is too long' };
          }
          return { value: this.storeBotMessage(p, typeof p.text === 'string' ? { text: p.text } : { caption: p.caption }) };
        }
        return { value: true };
    }
  }

  private storeBotMessage(p: Record<string, unknown>, content: Record<string, unknown>): Message {
    const chatId = Number(p.chat_id);
    const chat = this.chats.get(chatId) ?? (chatId < 0 ? groupChat(chatId) : privateChat(chatId));
    const replyId = (p.reply_parameters as { message_id?: number } | undefined)?.message_id;
    const replyTo = replyId === undefined ? undefined : this.messages.get(`${chatId}:${replyId}`);
    const message = {
      message_id: typeof p.message_id === 'number' ? p.message_id : this.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat,
      from: { id: this.botUser.id, is_bot: true, first_name: this.botUser.first_name, username: this.botUser.username },
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
      ...content,
    } as Message;
    this.messages.set(`${chatId}:${message.message_id}`, message);
    return message;
  }

  private getUpdates(p: Record<string, unknown>, res: ServerResponse): void {
    if (this.webhook) {
      reply(res, {
        ok: false,
        error_code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
      return;
    }
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(100, Math.max(1, Number(p.limit ?? 100)));
    // Like Telegram: asking from `offset` confirms every update before it.
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    const respond = (): void => {
      cleanup();
      if (!res.writableEnded) reply(res, { ok: true, result: this.queue.slice(0, limit) });
    };
    const timer = setTimeout(respond, Math.min(Number(p.timeout ?? 0), this.maxPollSeconds) * 1000);
    const cleanup = (): void => {
      clearTimeout(timer);
      this.events.off('update', respond);
      this.events.off('closing', respond);
    };
    if (this.queue.length > 0) {
      respond();
      return;
    }
    this.events.on('update', respond);
    this.events.on('closing', respond);
    // The runner aborts its poll when stopped; forget the waiter with it.
    res.on('close', cleanup);
  }

  private serveFile(token: string, path: string, res: ServerResponse): void {
    const stored = [...this.files.values()].find((f) => f.path === path);
    if (token !== this.token || !stored) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.bytes.length }).end(stored.bytes);
  }

  private async deliverToWebhook(update: Update): Promise<void> {
    const hook = this.webhook!;
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}) },
        body: JSON.stringify(update),
      });
      await response.arrayBuffer();
      this.webhookDeliveries.push(response.status);
    } catch {
      this.webhookDeliveries.push(0);
    }
  }
}

function reply(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Decodes a Bot API request body the way Telegram accepts them: JSON, urlencoded or multipart. */
async function readPayload(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json')) return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries([...new URLSearchParams(body.toString('utf8'))].map(([k, v]) => [k, jsonish(v)]));
  }
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
  if (type.includes('multipart/form-data') && boundary) return parseMultipart(body, boundary[1] ?? boundary[2]!);
  return {};
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/.exec(headers)?.[1];
      if (name !== undefined) fields[name] = filename !== undefined ? { filename, bytes: content } : jsonish(content.toString('utf8'));
    }
    start = next;
  }
  return fields;
}

function jsonish(value: string): unknown {
  if (/^[[{]/.test(value) || /^-?\d+$/.test(value) || value === 'true' || value === 'false') {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}
