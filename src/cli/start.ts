import { createNetra } from '../app.js';
import { runConsoleChat } from '../channels/console/console-chat.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';

/**
 * `npm start`: runs every configured channel (Telegram with TELEGRAM_BOT_TOKEN, WhatsApp with
 * WHATSAPP_ENABLED=true, the HTTP API with HTTP_PORT). With none configured it opens the
 * console chat: the embedded default, offline, no keys needed.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const serverMode = Boolean(config.telegram || config.whatsapp || config.http);
  // In the console the log would interleave with the chat: keep only warnings there.
  const logger = createLogger(serverMode ? config.logLevel : 'warn');
  const app = await createNetra(config, logger, { watchIndex: serverMode });
  const stops: (() => Promise<void>)[] = [];
  // What every chat channel gets: the conversation to talk to, and nothing of the pipeline below it.
  const channelDeps = {
    conversation: app.conversation,
    notifiers: app.notifiers,
    logger,
    rateLimitPerMinute: config.rateLimitPerMinute,
    maxFileBytes: config.maxEvidenceBytes,
  };

  if (config.telegram) {
    const { startTelegram } = await import('../channels/telegram/telegram-bot.js');
    const tg = await startTelegram({ ...channelDeps, config: config.telegram, adminChatId: config.adminChatId });
    stops.push(() => tg.stop());
    // Running on without updates helps nobody: exit so the service manager restarts Netra.
    void tg.failed.then(() => {
      logger.fatal('Telegram polling stopped; exiting so the service manager can restart Netra');
      void shutdown('telegram-polling-failed', 1);
    });
    logger.info('Telegram channel started');
  }
  if (config.whatsapp) {
    const { startWhatsApp } = await import('../channels/whatsapp/whatsapp-channel.js');
    const wa = await startWhatsApp({ ...channelDeps, config: config.whatsapp, dataDir: config.dataDir });
    stops.push(() => wa.stop());
    logger.info('WhatsApp channel started');
  }
  if (config.http) {
    const { startHttpApi } = await import('../channels/http/http-api.js');
    const http = await startHttpApi({ app, ...config.http });
    stops.push(() => http.close());
    logger.info({ url: http.url }, 'HTTP API listening');
  }

  let stopping = false;
  async function shutdown(signal: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    await app.close();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!serverMode) {
    await runConsoleChat(app.conversation);
    await app.close();
    process.exit(0);
  }
}

main().catch((err: unknown) => {
  console.error(`Netra gagal dijalankan: ${(err as Error).message}`);
  process.exit(1);
});
