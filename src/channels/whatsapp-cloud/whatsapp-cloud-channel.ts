import type { Config, WhatsAppCloudConfig } from '../../config/config.js';
import type { ConversationHandler } from '../../conversation/conversation-handler.js';
import type { Notifier, OutgoingMessage } from '../../conversation/messages.js';
import type { NotifierRegistry } from '../../conversation/notifier-registry.js';
import { PerChatOrder } from '../../conversation/per-chat-order.js';
import { hashUserId, type Logger } from '../../logging/logger.js';
import type { ChannelState } from '../../observability/channel-status.js';
import type { SharedChatState } from '../../storage/shared-chat-state.js';
import { splitMessage } from '../split-message.js';
import { toWhatsAppStyle } from '../whatsapp/format-answer-whatsapp.js';
import { renderOutgoingCloud } from './format-outgoing-cloud.js';
import { GraphApiClient } from './graph-api-client.js';
import { GraphApiError, maskDigits, OUTSIDE_WINDOW_CODE } from './graph-api-error.js';
import { CLOUD_LIMITS, type OutboundMessage } from './outbound-message.js';
import { RecentIds } from './recent-ids.js';
import { SERVICE_WINDOW_MS, ServiceWindow } from './service-window.js';
import { localMessageIds, sharedMessageIds } from './shared-message-ids.js';
import { localServiceWindow, sharedServiceWindow } from './shared-service-window.js';
import { recipientOf, translateCloudMessage } from './translate-cloud-message.js';
import { messagesOf, type WebhookMessage } from './webhook-payload.js';
import { startWebhookServer } from './webhook-server.js';

/** Sent when handling one message failed; the details are in the log, never in the chat. */
export const CLOUD_FAILURE_TEXT = 'Mohon maaf, terjadi kendala saat memproses pesan Anda. Silakan coba lagi beberapa saat lagi.';

/** Logged (and at start) when a message outside the 24-hour window cannot be sent for want of a template. */
export const NO_TEMPLATE_WARNING =
  'WhatsApp Cloud: WHATSAPP_CLOUD_STATUS_TEMPLATE tidak diatur, jadi pembaruan status laporan dan pemberitahuan admin di luar jendela layanan 24 jam TIDAK dikirim (Meta hanya mengizinkan template yang disetujui). Buat template di WhatsApp Manager dan isi variabelnya.';

export interface WhatsAppCloudDeps {
  config: NonNullable<Config['whatsapp']> & { cloud: WhatsAppCloudConfig };
  conversation: ConversationHandler;
  notifiers: NotifierRegistry;
  logger: Logger;
  maxFileBytes: number;
  /** Clock in milliseconds (the service window, message age). */
  now?: () => number;
  /** Pause between Graph API retries; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  onState?: (state: ChannelState, detail?: string) => void;
  /**
   * With several workers (PostgreSQL): the 24-hour service window and the message ids already
   * taken in are shared, so a worker knows what the others saw. Without it both are this process's.
   */
  shared?: SharedChatState;
}

export interface WhatsAppCloudChannel {
  /** The webhook's local address (`http://127.0.0.1:8445/whatsapp/webhook`). */
  url: string;
  /** Resolves when every message taken in so far is answered (tests; shutdown). */
  idle(): Promise<void>;
  /** Closes the webhook, lets answers in progress finish (briefly) and unregisters the notifier. */
  stop(): Promise<void>;
}

/**
 * Starts the WhatsApp Cloud API channel: the webhook server, answers through `conversation`, and
 * the notifier for report notices, which respects the 24-hour service window (free-form text
 * inside it, the configured template outside it, otherwise nothing and a warning).
 * Rejects when the webhook port cannot be bound (the supervisor then retries).
 */
export async function startWhatsAppCloud(deps: WhatsAppCloudDeps): Promise<WhatsAppCloudChannel> {
  const { config, conversation, notifiers } = deps;
  const cloud = config.cloud;
  const log = deps.logger.child({ channel: 'whatsapp', mode: 'cloud' });
  const now = deps.now ?? Date.now;
  const client = new GraphApiClient({
    baseUrl: cloud.apiBaseUrl,
    accessToken: cloud.accessToken,
    phoneNumberId: cloud.phoneNumberId,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const window = deps.shared ? sharedServiceWindow(deps.shared, new ServiceWindow(now), log, now) : localServiceWindow(new ServiceWindow(now));
  const seen = deps.shared ? sharedMessageIds(deps.shared, new RecentIds(), log, now) : localMessageIds(new RecentIds());
  const queue = new PerChatOrder();
  const setState = deps.onState ?? (() => undefined);
  let stopped = false;

  if (!cloud.statusTemplate) log.warn(NO_TEMPLATE_WARNING);

  async function handle(message: WebhookMessage): Promise<void> {
    const user = hashUserId('whatsapp', message.from);
    try {
      // Meta delivered it again (perhaps to another worker): answered once, by whoever took it first.
      if (!(await seen.firstTime(message.id))) {
        log.debug({ user }, 'WhatsApp Cloud: pesan yang dikirim ulang oleh Meta diabaikan');
        return;
      }
      await window.touch(message.from, message.timestamp * 1000);
      const translation = translateCloudMessage(message, {
        adminIds: config.adminIds,
        client,
        maxFileBytes: deps.maxFileBytes,
        notBeforeMs: now() - SERVICE_WINDOW_MS,
      });
      if (translation.kind === 'ignore') {
        log.debug({ user, reason: translation.reason, type: message.type }, 'WhatsApp Cloud: pesan diabaikan');
        return;
      }
      const send = async (replies: OutgoingMessage[]) => {
        for (const o of replies) for (const part of renderOutgoingCloud(o, message.from)) await client.send(part);
      };
      // Sent inside the chat's order (across workers with a shared store): the next message of
      // this chat, whichever worker gets it, is handled after these replies are out.
      let sent = false;
      const outgoing = await conversation.handle(translation.message, async (replies) => {
        sent = true;
        await send(replies);
      });
      if (!sent) await send(outgoing);
      log.debug({ user, parts: outgoing.length }, 'WhatsApp Cloud: pesan dijawab');
    } catch (err) {
      log.error({ user, err: describe(err) }, 'WhatsApp Cloud: pesan gagal diproses');
      await client.send(textTo(message.from, CLOUD_FAILURE_TEXT)).catch(() => undefined);
    }
  }

  const notifier: Notifier = {
    channel: 'whatsapp',
    async send(chatId, text) {
      const to = recipientOf(chatId);
      if (!to) {
        // A report filed through whatsapp-web.js from a LID-only contact: no number to write to.
        log.warn({ user: hashUserId('whatsapp', chatId) }, 'WhatsApp Cloud: chat ini tidak punya nomor telepon (id @lid dari whatsapp-web.js); pemberitahuan tidak dikirim');
        throw new Error('no phone number for this chat id');
      }
      const user = hashUserId('whatsapp', to);
      if (await window.isOpen(to)) {
        try {
          for (const part of splitMessage(toWhatsAppStyle(text), CLOUD_LIMITS.text)) await client.send(textTo(to, part));
          return;
        } catch (err) {
          // Meta's clock is the one that counts: a window it says is closed falls through to the template.
          if (!(err instanceof GraphApiError && err.code === OUTSIDE_WINDOW_CODE)) throw err;
        }
      }
      const template = cloud.statusTemplate;
      if (!template) {
        log.warn({ user, event: 'whatsapp_outside_window' }, NO_TEMPLATE_WARNING);
        throw new Error('outside the 24-hour window and no WHATSAPP_CLOUD_STATUS_TEMPLATE');
      }
      await client.send({
        to,
        type: 'template',
        template: {
          name: template.name,
          language: { code: template.language },
          components: [{ type: 'body', parameters: [{ type: 'text', text: templateParameter(text) }] }],
        },
      });
      log.info({ user, template: template.name }, 'WhatsApp Cloud: pemberitahuan di luar jendela 24 jam dikirim sebagai template');
    },
  };

  const server = await startWebhookServer({
    host: cloud.webhook.host,
    port: cloud.webhook.port,
    path: cloud.webhook.path,
    appSecret: cloud.appSecret,
    verifyToken: cloud.verifyToken,
    logger: log,
    onNotification(notification) {
      if (stopped) return;
      for (const message of messagesOf(notification, cloud.phoneNumberId)) {
        void queue.run(message.from, () => handle(message));
      }
    },
  });
  notifiers.register(notifier);
  setState('running');
  log.info({ webhook: server.url, api: cloud.apiBaseUrl }, 'WhatsApp Cloud API siap: webhook menunggu notifikasi dari Meta.');

  return {
    url: server.url,
    idle: () => queue.drain(),
    async stop() {
      if (stopped) return;
      stopped = true;
      notifiers.unregister('whatsapp');
      setState('stopped');
      await server.close();
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([queue.drain(), new Promise((resolve) => (grace = setTimeout(resolve, 5_000)))]);
      clearTimeout(grace);
    },
  };
}

function textTo(to: string, body: string): OutboundMessage {
  return { to, type: 'text', text: { body, preview_url: false } };
}

/** A template body parameter may hold no newline or tab and at most four spaces in a row. */
export function templateParameter(text: string): string {
  const flat = toWhatsAppStyle(text)
    .replace(/\s*\n+\s*/g, ' · ')
    .replace(/[\t ]{2,}/g, ' ')
    .trim();
  return flat.length <= CLOUD_LIMITS.templateParameter ? flat : `${flat.slice(0, CLOUD_LIMITS.templateParameter - 1)}…`;
}

function describe(err: unknown): { name: string; message: string } {
  if (err instanceof Error) return { name: err.name, message: maskDigits(err.message) };
  return { name: 'Error', message: maskDigits(String(err)) };
}
