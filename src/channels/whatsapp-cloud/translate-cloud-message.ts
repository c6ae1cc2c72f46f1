import type { IncomingAttachment, IncomingMessage } from '../../conversation/messages.js';
import { idServer, normalizePhone } from '../whatsapp/whatsapp-ids.js';
import type { GraphApiClient } from './graph-api-client.js';
import { AttachmentTooLargeError } from '../../conversation/messages.js';
import type { WebhookMessage } from './webhook-payload.js';

/**
 * Turns one Cloud API webhook message into the channel-neutral {@link IncomingMessage}, or says
 * why it is ignored. The chat id is the whatsapp-web.js form (`62812…@c.us`), so reports, `/status`
 * and the follow-up memory stay the same chat when a deployment moves from one adapter to the
 * other. A pressed button or list row carries its choice id; what a text means is the
 * conversation's business.
 */

const MEDIA_KINDS = { image: 'photo', document: 'document', audio: 'audio', video: 'video' } as const;

export type CloudTranslation = { kind: 'message'; message: IncomingMessage } | { kind: 'ignore'; reason: CloudIgnoreReason };
export type CloudIgnoreReason = 'group' | 'unsupported-type' | 'empty' | 'old';

export interface CloudTranslateContext {
  /** `WHATSAPP_ADMIN_IDS`, any common spelling. */
  adminIds: readonly string[];
  client: GraphApiClient;
  maxFileBytes: number;
  /** Messages sent before this (ms) are not answered: a reply would be outside the service window. */
  notBeforeMs: number;
}

/** The chat id Netra uses for a WhatsApp user id (`62812…` → `62812…@c.us`). */
export function chatIdOf(waId: string): string {
  return `${waId}@c.us`;
}

/**
 * The Cloud API recipient for a chat id of either adapter (`62812…@c.us`, `0812…`) → `62812…`;
 * undefined for a whatsapp-web.js `…@lid` id (or a group), which names no phone number.
 */
export function recipientOf(chatId: string): string | undefined {
  const server = idServer(chatId);
  if (server !== '' && server !== 'c.us' && server !== 's.whatsapp.net') return undefined;
  const digits = normalizePhone(chatId);
  return /^\d{5,20}$/.test(digits) ? digits : undefined;
}

export function translateCloudMessage(message: WebhookMessage, ctx: CloudTranslateContext): CloudTranslation {
  // Netra answers groups nowhere in a Cloud API deployment: reports must never be taken there.
  if (message.group_id) return { kind: 'ignore', reason: 'group' };
  if (message.timestamp * 1000 < ctx.notBeforeMs) return { kind: 'ignore', reason: 'old' };
  const chatId = chatIdOf(message.from);
  const base: IncomingMessage = {
    channel: 'whatsapp',
    chatId,
    userId: chatId,
    isPrivate: true,
    isAdmin: ctx.adminIds.some((a) => normalizePhone(a) === message.from),
    text: '',
    // Meta may deliver a message again, possibly to another worker: its id makes that a replay.
    deliveryId: message.id,
  };
  switch (message.type) {
    case 'text':
      return nonEmpty({ ...base, text: message.text?.body.trim() ?? '' });
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      if (!reply) return { kind: 'ignore', reason: 'unsupported-type' };
      return { kind: 'message', message: { ...base, text: reply.title, choiceId: reply.id } };
    }
    case 'button':
      return nonEmpty({ ...base, text: message.button?.text.trim() ?? '' });
    case 'image':
    case 'document':
    case 'audio':
    case 'video': {
      const media = message[message.type];
      if (!media) return { kind: 'ignore', reason: 'unsupported-type' };
      const kind = message.type === 'audio' && message.audio?.voice ? 'voice' : MEDIA_KINDS[message.type];
      const attachment = mediaAttachment(kind, media, ctx);
      return { kind: 'message', message: { ...base, text: media.caption?.trim() ?? '', attachments: [attachment] } };
    }
    default:
      return { kind: 'ignore', reason: 'unsupported-type' };
  }
}

function nonEmpty(message: IncomingMessage): CloudTranslation {
  return message.text === '' ? { kind: 'ignore', reason: 'empty' } : { kind: 'message', message };
}

/** The file behind a media id: looked up and downloaded only when the reporting flow wants it. */
function mediaAttachment(
  kind: IncomingAttachment['kind'],
  media: { id: string; mime_type?: string; filename?: string },
  ctx: CloudTranslateContext,
): IncomingAttachment {
  const attachment: IncomingAttachment = {
    kind,
    async load(): Promise<Buffer> {
      const info = await ctx.client.mediaInfo(media.id);
      // Refuse before downloading when Meta already told the size.
      if (info.file_size !== undefined && info.file_size > ctx.maxFileBytes) throw new AttachmentTooLargeError(ctx.maxFileBytes, info.file_size);
      const bytes = await ctx.client.download(info.url, ctx.maxFileBytes);
      if (!attachment.mimeType && info.mime_type) attachment.mimeType = info.mime_type;
      attachment.size = bytes.length;
      return bytes;
    },
  };
  if (media.mime_type) attachment.mimeType = media.mime_type;
  if (media.filename) attachment.fileName = media.filename;
  return attachment;
}
