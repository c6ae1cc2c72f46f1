import { createNetra } from '../app.js';
import { runConsoleChat } from '../channels/console/console-chat.js';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { createLogger } from '../logging/logger.js';
import { ChannelSupervisor, type SupervisorOptions } from './channel-supervisor.js';

/**
 * `npm start`: runs every configured channel (Telegram with TELEGRAM_BOT_TOKEN, WhatsApp with
 * WHATSAPP_ENABLED=true, the HTTP API with HTTP_PORT), each started and restarted on its own so
 * one that cannot start never keeps the others down. With none configured it opens the console
 * chat: the embedded default, offline, no keys needed.
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
  const supervisors: ChannelSupervisor[] = [];
  // What every chat channel gets: the conversation to talk to, and nothing of the pipeline below it.
  const channelDeps = {
    conversation: app.conversation,
    notifiers: app.notifiers,
    logger,
    maxFileBytes: config.maxEvidenceBytes,
  };
  const supervise = (name: string, start: SupervisorOptions['start'], selfReported = false): void => {
    supervisors.push(new ChannelSupervisor({ name, start, status: app.channels, logger, selfReported }));
  };

  // HTTP first: /healthz then reports the other channels while they are still connecting.
  const http = config.http;
  if (http) {
    supervise('http', async () => {
      const { startHttpApi } = await import('../channels/http/http-api.js');
      const api = await startHttpApi({ app, port: http.port, host: http.host, token: http.token, limits: http.limits });
      logger.info({ url: api.url }, 'HTTP API listening');
      return { stop: () => api.close() };
    });
  }
  const telegram = config.telegram;
  if (telegram) {
    supervise('telegram', async () => {
      const { startTelegram } = await import('../channels/telegram/telegram-bot.js');
      return startTelegram({
        ...channelDeps,
        config: telegram,
        adminChatId: config.adminChatId,
        choiceTokens: app.choiceTokens,
        // grammY retries an unreachable Telegram by itself; /healthz shows it meanwhile.
        onConnection: (reachable, detail) => app.channels.set('telegram', reachable ? 'running' : 'retrying', detail),
      });
    });
  }
  const whatsapp = config.whatsapp;
  // WhatsApp Cloud API (WHATSAPP_MODE=cloud): the official webhook adapter instead of whatsapp-web.js.
  const whatsappCloud = whatsapp?.cloud;
  if (whatsapp && whatsappCloud) {
    supervise('whatsapp', async () => {
      const { startWhatsAppCloud } = await import('../channels/whatsapp-cloud/whatsapp-cloud-channel.js');
      return startWhatsAppCloud({ ...channelDeps, config: { ...whatsapp, cloud: whatsappCloud }, shared: app.sharedStore });
    });
  } else if (whatsapp) {
    supervise('whatsapp', async () => {
      const { startWhatsApp } = await import('../channels/whatsapp/whatsapp-channel.js');
      return startWhatsApp({
        ...channelDeps,
        config: whatsapp,
        dataDir: config.dataDir,
        // Pairing and reconnects happen inside the channel; /healthz shows where it is.
        onState: (state, detail) => app.channels.set('whatsapp', state, detail),
      });
    }, true);
  }
  // Signals are handled before the channels start: a channel still connecting (Telegram
  // unreachable, WhatsApp waiting for Chromium) must not keep SIGTERM from stopping cleanly.
  let stopping = false;
  async function shutdown(signal: string, code = 0): Promise<void> {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    for (const s of supervisors.reverse()) await s.stop().catch((err: unknown) => logger.error({ err }, 'stop failed'));
    await app.close();
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await Promise.all(supervisors.map((s) => s.start()));

  if (!serverMode) {
    await runConsoleChat(app.conversation, process.stdin, process.stdout, app.notifiers);
    await app.close();
    process.exit(0);
  }
}

main().catch((err: unknown) => {
  console.error(`Netra gagal dijalankan: ${(err as Error).message}`);
  process.exit(1);
});
