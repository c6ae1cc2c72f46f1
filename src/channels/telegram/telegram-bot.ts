import { run, type RunnerHandle } from '@grammyjs/runner';
import { webhookCallback, type Bot } from 'grammy';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { registerCommands } from './commands.js';
import { actionableTelegramError, describeError } from './errors.js';
import { createTelegramNotifier } from './notifier.js';
import { ALLOWED_UPDATES, buildTelegramRuntime, type TelegramDeps, type TelegramRuntime } from './bot-runtime.js';

export type { TelegramDeps } from './bot-runtime.js';

/**
 * Builds the grammY bot with the whole adapter installed, without starting it: useful to
 * drive it from tests with `bot.start()` or `bot.handleUpdate()`. Use {@link startTelegram}
 * to run it for real.
 */
export function createTelegramBot(deps: TelegramDeps): Bot {
  return buildTelegramRuntime(deps).bot;
}

/** A running Telegram adapter. */
export interface TelegramHandle {
  /** The bot's username (without `@`), as Telegram reports it. */
  username: string;
  /** How updates arrive. */
  mode: 'polling' | 'webhook';
  /**
   * Stops receiving updates, lets the updates being handled finish (up to 10 seconds) and
   * unregisters the Telegram notifier. Safe to call twice. The caller wires SIGINT/SIGTERM.
   */
  stop(): Promise<void>;
  /**
   * Resolves with the error when polling ends by itself (a revoked token, another instance
   * polling with the same token), so the caller can exit and let the service manager restart it
   * instead of running on without updates. Never resolves after {@link stop}.
   */
  failed: Promise<Error>;
}

/** Thrown when the bot cannot start; `message` says what the operator should fix. */
export class TelegramStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TelegramStartError';
  }
}

/** Port the webhook server listens on when `TELEGRAM_WEBHOOK_PORT` is not set. */
export const DEFAULT_WEBHOOK_PORT = 8443;

const STOP_GRACE_MS = 10_000;

/**
 * Starts the Telegram adapter: checks the token, publishes the command menus, registers the
 * `telegram` notifier, then receives updates by long polling (@grammyjs/runner: concurrent
 * across chats, in order within a chat) or, when `config.webhookUrl` is set, through a
 * webhook served by node:http on `config.webhookPort`.
 *
 * Rejects with a {@link TelegramStartError} when Telegram refuses the token or the webhook.
 */
export async function startTelegram(deps: TelegramDeps): Promise<TelegramHandle> {
  const runtime = buildTelegramRuntime(deps);
  const { bot, logger } = runtime;
  try {
    await bot.init();
  } catch (err) {
    throw new TelegramStartError(
      actionableTelegramError(err) ?? `Bot Telegram gagal dimulai: ${describeError(err).message}`,
      { cause: err },
    );
  }

  await registerCommands(bot.api, [...deps.config.adminIds, ...(deps.adminChatId ? [deps.adminChatId] : [])], logger);
  if (deps.adminChatId) {
    await bot.api.getChat(deps.adminChatId).catch((err: unknown) => {
      logger.warn(
        { error: describeError(err) },
        'ADMIN_CHAT_ID tidak dapat dijangkau bot: tambahkan bot ke grup admin tersebut, atau buka chat dengan bot lebih dulu',
      );
    });
  }

  const notifier = createTelegramNotifier(bot.api);
  deps.notifiers.register(notifier);

  let stopReceiving: () => Promise<void>;
  let reportFailure: (err: Error) => void = () => undefined;
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  const mode = deps.config.webhookUrl ? 'webhook' : 'polling';
  try {
    stopReceiving = mode === 'webhook' ? await startWebhook(runtime, deps) : await startPolling(runtime, (err) => reportFailure(err));
  } catch (err) {
    deps.notifiers.unregister('telegram');
    if (err instanceof TelegramStartError) throw err;
    throw new TelegramStartError(
      actionableTelegramError(err) ?? `Bot Telegram gagal dimulai: ${describeError(err).message}`,
      { cause: err },
    );
  }
  logger.info({ username: bot.botInfo.username, mode }, 'bot Telegram aktif');

  let stopping: Promise<void> | undefined;
  return {
    username: bot.botInfo.username,
    mode,
    failed,
    stop() {
      stopping ??= (async () => {
        await stopReceiving();
        deps.notifiers.unregister('telegram');
        logger.info('bot Telegram berhenti');
      })();
      return stopping;
    },
  };
}

async function startPolling(runtime: TelegramRuntime, onFailure: (err: Error) => void): Promise<() => Promise<void>> {
  const { bot, logger } = runtime;
  logger.info('Telegram: long polling — satu proses saja per token; untuk beberapa worker (DATABASE_URL) pakai TELEGRAM_WEBHOOK_URL');
  // getUpdates answers 409 while a webhook is set, e.g. after switching from webhook mode.
  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot, {
    // The observer transformer logs fetch problems through pino instead of console.
    runner: { silent: true, fetch: { allowed_updates: ALLOWED_UPDATES } },
  });
  let stoppedByUs = false;
  runner.task()?.catch((err: unknown) => {
    // 401 and 409 were already logged with what to do about them.
    if (!actionableTelegramError(err)) logger.error({ error: describeError(err) }, 'polling Telegram berhenti');
    if (!stoppedByUs) onFailure(err instanceof Error ? err : new Error(String(err)));
  });
  return async () => {
    stoppedByUs = true;
    await runner.stop();
    await settle(runtime.inFlight);
  };
}

async function startWebhook(runtime: TelegramRuntime, deps: TelegramDeps): Promise<() => Promise<void>> {
  const { bot, logger } = runtime;
  const url = deps.config.webhookUrl!;
  // Derived from the token so every instance and restart agrees, yet unguessable without it.
  const secretToken = createHash('sha256').update(`netra:telegram-webhook:${deps.config.token}`).digest('hex');
  const handle = webhookCallback(bot, 'http', {
    secretToken,
    // Answer Telegram before its timeout and keep working: a slow answer must not be redelivered.
    onTimeout: 'return',
    timeoutMilliseconds: 8_000,
  });
  const requests = new Set<Promise<unknown>>();
  const server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(req.method === 'GET' ? 200 : 405, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(req.method === 'GET' ? 'Netra: webhook Telegram aktif\n' : '');
      return;
    }
    const task = handle(req, res).catch((err: unknown) => {
      logger.warn({ error: describeError(err) }, 'update webhook Telegram tidak dapat dibaca');
      if (!res.headersSent) res.writeHead(400).end();
    });
    requests.add(task);
    void task.finally(() => requests.delete(task));
  });
  await listen(server, deps.config.webhookPort ?? DEFAULT_WEBHOOK_PORT);
  try {
    await bot.api.setWebhook(url, { secret_token: secretToken, allowed_updates: ALLOWED_UPDATES });
  } catch (err) {
    await closeServer(server);
    throw err;
  }
  return async () => {
    // Stop accepting first; Telegram keeps undelivered updates and retries them after a restart.
    const closed = closeServer(server);
    await settle(requests);
    await settle(runtime.inFlight);
    server.closeAllConnections();
    await closed;
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/** Waits for running tasks, but never longer than the grace period. */
async function settle(tasks: ReadonlySet<Promise<unknown>>): Promise<void> {
  if (tasks.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STOP_GRACE_MS);
    timer.unref();
  });
  await Promise.race([Promise.allSettled([...tasks]), grace]);
  clearTimeout(timer);
}
