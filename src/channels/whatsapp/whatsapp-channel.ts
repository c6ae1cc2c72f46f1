import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import QRCode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import type { Config } from '../../config/config.js';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { Notifier } from '../../conversation/messages.js';
import type { NotifierRegistry } from '../../conversation/notifier-registry.js';
import { PerChatOrder } from '../../conversation/per-chat-order.js';
import { hashUserId, type Logger } from '../../logging/logger.js';
import type { ChannelState } from '../../observability/channel-status.js';
import { splitMessage } from '../split-message.js';
import { assertChromiumExists, createWhatsAppClient } from './create-whatsapp-client.js';
import { renderOutgoingWhatsApp, toWhatsAppStyle, WHATSAPP_MAX_MESSAGE_CHARS } from './format-answer-whatsapp.js';
import { DEFAULT_MEDIA_BURST_QUIET_MS, MediaBurst } from './media-burst.js';
import { quickIgnoreReason, translateWhatsAppMessage, type Translation } from './translate-message.js';
import type { WhatsAppClientLike, WhatsAppMessageLike } from './whatsapp-client-like.js';
import { BotIdentity, idServer } from './whatsapp-ids.js';

/** The file a headless server operator opens (or copies) to scan the pairing QR code. */
export const WHATSAPP_QR_FILE = 'whatsapp-qr.png';

/** Sent when handling one message failed; the details are in the log, never in the chat. */
export const WHATSAPP_FAILURE_TEXT =
  'Mohon maaf, terjadi kendala saat memproses pesan Anda. Silakan coba lagi beberapa saat lagi.';

/** Timer functions, injectable so tests can run the reconnect backoff fast. */
export interface WhatsAppTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Everything the WhatsApp adapter needs; the last group of fields exists for tests. */
export interface WhatsAppDeps {
  config: NonNullable<Config['whatsapp']>;
  dataDir: string;
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  logger: Logger;
  maxFileBytes: number;
  /** Builds the client; defaults to the real whatsapp-web.js client with the system Chromium. */
  clientFactory?: () => WhatsAppClientLike;
  /** Reconnect backoff: starts at `baseMs` (5 s), doubles per failure up to `maxMs` (5 min), resets on ready. */
  reconnect?: { baseMs?: number; maxMs?: number };
  timers?: WhatsAppTimers;
  /** Clock in milliseconds (message age). */
  now?: () => number;
  /** Prints the pairing QR; defaults to a small QR on stderr (stdout belongs to the console chat). */
  printQr?: (qr: string) => void;
  /** Longest text per WhatsApp message before splitting. */
  maxMessageChars?: number;
  /** How long photos sent together in a private chat wait for the next one before they go on as one message (ms). */
  mediaBurstQuietMs?: number;
  /** Told of every change of the connection (for `/healthz`): pairing, connected, reconnecting. */
  onState?: (state: ChannelState, detail?: string) => void;
}

/** A running WhatsApp channel. */
export interface WhatsAppChannel {
  /** Stops reconnecting, lets queued answers finish (briefly), unregisters the notifier and closes the browser. */
  stop(): Promise<void>;
}

/**
 * Starts the WhatsApp channel: pairs (QR in the terminal and as a PNG in `dataDir`), keeps the
 * session in `config.authDir`, answers messages through `conversation`, and reconnects with
 * exponential backoff when WhatsApp disconnects.
 *
 * Resolves as soon as the client is starting, without waiting for pairing (which needs a person
 * with a phone); failures to start are logged with the next step and retried.
 * Rejects only when Chromium is missing, with a one-line {@link ConfigError}.
 */
export async function startWhatsApp(deps: WhatsAppDeps): Promise<WhatsAppChannel> {
  const { config, dataDir, conversation, notifiers, logger } = deps;
  const log = logger.child({ channel: 'whatsapp' });
  const now = deps.now ?? Date.now;
  const timers: WhatsAppTimers = deps.timers ?? {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  const baseMs = deps.reconnect?.baseMs ?? 5_000;
  const maxMs = deps.reconnect?.maxMs ?? 5 * 60_000;
  const maxChars = deps.maxMessageChars ?? WHATSAPP_MAX_MESSAGE_CHARS;
  const qrPath = path.join(dataDir, WHATSAPP_QR_FILE);

  if (!deps.clientFactory) await assertChromiumExists(config.chromiumPath);
  await mkdir(dataDir, { recursive: true });
  await mkdir(config.authDir, { recursive: true });

  const client: WhatsAppClientLike =
    deps.clientFactory?.() ??
    createWhatsAppClient({
      chromiumPath: config.chromiumPath,
      authDir: config.authDir,
      cacheDir: path.join(dataDir, 'whatsapp-cache'),
    });

  const startedAtSec = Math.floor(now() / 1000);
  const identity = new BotIdentity();
  // Per chat: a reply is sent completely before the next message of that chat is looked at.
  const queue = new PerChatOrder();
  // Photos picked together arrive one by one: a private chat's media go on as one message.
  const bursts = new MediaBurst<WhatsAppMessageLike>(deps.mediaBurstQuietMs ?? DEFAULT_MEDIA_BURST_QUIET_MS);
  const lidCache = new Map<string, string | undefined>();
  const printQr = deps.printQr ?? printQrToStderr;

  let stopped = false;
  let attempt = 0;
  let restartTimer: unknown;
  let notifierRegistered = false;
  let qrAnnounced = false;

  const notifier: Notifier = {
    channel: 'whatsapp',
    async send(chatId, text) {
      for (const part of splitMessage(toWhatsAppStyle(text), maxChars)) await client.sendMessage(chatId, part);
    },
  };

  const resolveLid = client.getContactLidAndPhone
    ? async (lid: string): Promise<string | undefined> => {
        if (lidCache.has(lid)) return lidCache.get(lid);
        let phone: string | undefined;
        try {
          phone = (await client.getContactLidAndPhone!([lid]))[0]?.pn ?? undefined;
        } catch {
          phone = undefined;
        }
        if (lidCache.size > 5_000) lidCache.clear();
        lidCache.set(lid, phone);
        return phone;
      }
    : undefined;

  function unregisterNotifier(): void {
    if (notifierRegistered) notifiers.unregister('whatsapp');
    notifierRegistered = false;
  }

  function scheduleRestart(): void {
    if (stopped || restartTimer !== undefined) return;
    const delay = Math.min(maxMs, baseMs * 2 ** attempt);
    attempt += 1;
    log.info({ delayMs: delay, attempt }, `WhatsApp: mencoba menyambung lagi dalam ${Math.round(delay / 1000)} detik.`);
    restartTimer = timers.setTimeout(() => {
      restartTimer = undefined;
      void (async () => {
        // whatsapp-web.js closes its browser after a disconnect, but not after every failed start.
        await client.destroy().catch(() => undefined);
        if (!stopped) initialize();
      })();
    }, delay);
  }

  const setState = deps.onState ?? (() => undefined);

  function initialize(): void {
    setState('starting');
    client.initialize().catch((err: unknown) => {
      if (stopped) return;
      setState('retrying', 'WhatsApp gagal dimulai; Netra mencoba lagi');
      log.error(
        { err: safeError(err) },
        'WhatsApp gagal dimulai. Periksa koneksi internet ke web.whatsapp.com dan CHROMIUM_PATH; Netra akan mencoba lagi.',
      );
      scheduleRestart();
    });
  }

  client.on('qr', (qr) => {
    if (stopped) return;
    setState('starting', 'menunggu pemindaian kode QR');
    printQr(qr);
    // WhatsApp rotates the QR about every 20 seconds; the instructions are logged once per pairing.
    const announce = !qrAnnounced;
    qrAnnounced = true;
    QRCode.toFile(qrPath, qr, { type: 'png', margin: 2, width: 400 })
      .then(() =>
        log[announce ? 'info' : 'debug'](
          { file: qrPath },
          'WhatsApp belum tertaut: pindai kode QR (di terminal atau berkas PNG ini) dari WhatsApp › Perangkat tertaut › Tautkan perangkat.',
        ),
      )
      .catch((err: unknown) => log.warn({ err: safeError(err), file: qrPath }, 'WhatsApp: kode QR tidak dapat disimpan sebagai PNG.'));
  });

  client.on('authenticated', () => {
    log.info({ sessionDir: config.authDir }, 'WhatsApp tertaut; sesi disimpan sehingga restart tidak perlu pindai ulang.');
  });

  client.on('auth_failure', (message) => {
    log.error(
      { reason: String(message), sessionDir: config.authDir },
      `WhatsApp gagal masuk dengan sesi tersimpan. Langkah berikutnya: hentikan Netra, hapus folder ${config.authDir}, jalankan lagi, lalu pindai QR baru.`,
    );
  });

  client.on('ready', () => {
    if (stopped) return;
    attempt = 0;
    qrAnnounced = false;
    identity.add(client.info?.wid);
    identity.add(client.info?.lid);
    notifiers.register(notifier);
    notifierRegistered = true;
    setState('running');
    void rm(qrPath, { force: true }).catch(() => undefined);
    log.info({ bot: client.info?.wid ? hashUserId('whatsapp', client.info.wid._serialized) : undefined }, 'WhatsApp siap menerima pesan.');
    void learnOwnLid();
  });

  client.on('disconnected', (reason) => {
    unregisterNotifier();
    if (stopped) return;
    setState('retrying', `WhatsApp terputus (${String(reason)})`);
    log.warn({ reason: String(reason) }, `WhatsApp terputus (${String(reason)}). ${disconnectNextStep(String(reason))}`);
    // After a logout whatsapp-web.js keeps its page, clears the session and shows a new QR by
    // itself; restarting the browser underneath it would race with that.
    if (String(reason) === 'LOGOUT') return;
    scheduleRestart();
  });

  client.on('message', (message) => {
    if (stopped) return;
    try {
      const reason = quickIgnoreReason(message, startedAtSec);
      if (reason) {
        log.trace({ reason }, 'WhatsApp: pesan diabaikan');
        return;
      }
      if (message.hasMedia && idServer(message.from) !== 'g.us') {
        bursts.add(message.from, message, (burst) => void queue.run(message.from, () => handleMessages(burst)));
        return;
      }
      // A text right after a burst of photos is answered after them.
      bursts.flush(message.from);
      void queue.run(message.from, () => handleMessages([message]));
    } catch (err) {
      // An event handler that throws would surface inside whatsapp-web.js; one odd message must not.
      log.error({ err: safeError(err) }, 'WhatsApp: pesan tidak dapat dibaca');
    }
  });

  /** Groups may mention the bot by its LID; learning it once lets mentions match without look-ups. */
  async function learnOwnLid(): Promise<void> {
    const wid = client.info?.wid?._serialized;
    if (!wid || !client.getContactLidAndPhone || idServer(wid) === 'lid') return;
    try {
      const [own] = await client.getContactLidAndPhone([wid]);
      identity.add(own?.lid);
    } catch (err) {
      log.debug({ err: safeError(err) }, 'WhatsApp: LID akun bot belum diketahui; mention @lid dicocokkan saat diterima.');
    }
  }

  /** Translates one message, or a private chat's burst of media as one message with all their files. */
  async function translateBurst(messages: readonly WhatsAppMessageLike[]): Promise<Translation> {
    const context = { identity, adminIds: config.adminIds, startedAtSec, maxFileBytes: deps.maxFileBytes, resolveLid };
    const translations = await Promise.all(messages.map((m) => translateWhatsAppMessage(m, context)));
    const kept = translations.filter((t): t is Extract<Translation, { kind: 'message' }> => t.kind === 'message');
    const [first, ...rest] = kept;
    if (!first) return translations[0] ?? { kind: 'ignore', reason: 'empty' };
    if (rest.length === 0) return first;
    // Each photo may carry its own caption; together they describe the files.
    const captions = [...new Set(kept.map((t) => t.message.text).filter((t) => t !== ''))];
    const attachments = kept.flatMap((t) => t.message.attachments ?? []);
    return { ...first, message: { ...first.message, text: captions.join('\n'), attachments } };
  }

  async function handleMessages(messages: readonly WhatsAppMessageLike[]): Promise<void> {
    const message = messages[0];
    if (!message) return;
    let userHash = hashUserId('whatsapp', message.author ?? message.from);
    let isGroup = false;
    try {
      const translation = await translateBurst(messages);
      if (translation.kind === 'ignore') {
        log.trace({ reason: translation.reason }, 'WhatsApp: pesan diabaikan');
        return;
      }
      const incoming = translation.message;
      isGroup = translation.isGroup;
      userHash = hashUserId('whatsapp', incoming.userId);
      const started = now();
      const outgoing = await conversation.handle(incoming);
      await deliver(
        message,
        isGroup,
        outgoing.flatMap((o) => renderOutgoingWhatsApp(o, maxChars)),
      );
      log.debug({ user: userHash, group: isGroup, ms: now() - started, parts: outgoing.length }, 'WhatsApp: pesan dijawab');
    } catch (err) {
      log.error({ user: userHash, group: isGroup, err: safeError(err) }, 'WhatsApp: pesan gagal diproses');
      await deliver(message, isGroup, [WHATSAPP_FAILURE_TEXT]).catch(() => undefined);
    }
  }

  /**
   * In a group the first bubble quotes the question, so members see who was answered; the rest
   * follow as plain messages. In a private chat quoting adds nothing.
   */
  async function deliver(message: WhatsAppMessageLike, isGroup: boolean, texts: string[]): Promise<void> {
    for (const [i, text] of texts.entries()) {
      if (stopped) return;
      if (isGroup && i === 0) await message.reply(text);
      else await client.sendMessage(message.from, text);
    }
  }

  initialize();

  return {
    async stop() {
      if (stopped) return;
      bursts.flushAll();
      stopped = true;
      if (restartTimer !== undefined) timers.clearTimeout(restartTimer);
      restartTimer = undefined;
      unregisterNotifier();
      setState('stopped');
      // Give answers in progress a moment; a hung answer must not keep the process alive.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([queue.drain(), new Promise((resolve) => (grace = setTimeout(resolve, 5_000)))]);
      clearTimeout(grace);
      await client.destroy().catch((err: unknown) => log.warn({ err: safeError(err) }, 'WhatsApp: browser gagal ditutup'));
    },
  };
}

function disconnectNextStep(reason: string): string {
  if (reason === 'LOGOUT' || reason === 'UNPAIRED' || reason === 'UNPAIRED_IDLE') {
    return 'Perangkat dilepas dari ponsel: pindai kode QR baru yang akan muncul.';
  }
  if (reason === 'CONFLICT') return 'WhatsApp Web dibuka di tempat lain dengan nomor ini: tutup sesi lain tersebut.';
  if (reason.includes('qrcode')) return 'QR tidak dipindai tepat waktu: pindai QR baru yang akan muncul.';
  return 'Periksa koneksi internet server dan ponsel bot.';
}

function printQrToStderr(qr: string): void {
  qrcodeTerminal.generate(qr, { small: true }, (art) => {
    process.stderr.write(
      `\nPindai kode QR ini dari WhatsApp di ponsel bot (Setelan › Perangkat tertaut › Tautkan perangkat):\n${art}\n`,
    );
  });
}

/**
 * Errors from puppeteer and WhatsApp Web can quote chat ids; long digit runs (phone numbers,
 * LIDs) are masked so logs never carry them.
 */
function safeError(err: unknown): { name: string; message: string; stack?: string } {
  const mask = (s: string): string => s.replace(/\d{7,}/g, '[id]');
  if (err instanceof Error) {
    return { name: err.name, message: mask(err.message), ...(err.stack ? { stack: mask(err.stack) } : {}) };
  }
  return { name: 'Error', message: mask(String(err)) };
}
