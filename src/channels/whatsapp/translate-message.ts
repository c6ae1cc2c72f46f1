import { isCommandText } from '../../conversation/command-registry.js';
import { AttachmentTooLargeError, type IncomingAttachment, type IncomingMessage } from '../../conversation/messages.js';
import type { WhatsAppMessageLike } from './whatsapp-client-like.js';
import { type BotIdentity, idServer, idUser, isGroupId, normalizePhone, serializedId } from './whatsapp-ids.js';

/**
 * Turns one WhatsApp message into the channel-neutral {@link IncomingMessage}, or says why it is
 * ignored. Only translation happens here: which messages are meant for the bot, mentions and
 * media. What a text means — a `!command`, a plain keyword, a numbered reply — is the
 * conversation's business (its command registry and choice resolver).
 */

const MEDIA_KINDS: Record<string, IncomingAttachment['kind']> = {
  image: 'photo',
  document: 'document',
  ptt: 'voice',
  video: 'video',
  audio: 'audio',
};

/** Message types that carry something a person wrote or sent on purpose. */
const TEXT_TYPES = new Set(['chat', ...Object.keys(MEDIA_KINDS)]);

/** What the translation needs to know beyond the message itself. */
export interface TranslateContext {
  identity: BotIdentity;
  /** `WHATSAPP_ADMIN_IDS`: phone numbers in any common spelling, or `…@lid` ids. */
  adminIds: readonly string[];
  /** Unix seconds; anything older was sent while Netra was not running and is not answered late. */
  startedAtSec: number;
  maxFileBytes: number;
  /** Maps a `…@lid` id to the person's phone-number id when WhatsApp allows it. */
  resolveLid?: (lid: string) => Promise<string | undefined>;
}

/** Either the message for the conversation or the reason it is not for the bot (for debug logs). */
export type Translation =
  | { kind: 'message'; message: IncomingMessage; isGroup: boolean }
  | { kind: 'ignore'; reason: IgnoreReason };

export type IgnoreReason =
  | 'from-me'
  | 'status'
  | 'not-a-chat'
  | 'old'
  | 'unsupported-type'
  | 'empty'
  | 'group-not-addressed';

/**
 * The checks that need no network round trip, so a flood of irrelevant messages (statuses,
 * other people's group chatter) never occupies a chat's queue.
 */
export function quickIgnoreReason(message: WhatsAppMessageLike, startedAtSec: number): IgnoreReason | undefined {
  if (message.fromMe) return 'from-me';
  const server = idServer(message.from);
  if (message.isStatus || message.from === 'status@broadcast' || server === 'broadcast') return 'status';
  if (server !== 'c.us' && server !== 'lid' && server !== 'g.us' && server !== 's.whatsapp.net') return 'not-a-chat';
  if (message.timestamp < startedAtSec) return 'old';
  if (!TEXT_TYPES.has(message.type) && !message.hasMedia) return 'unsupported-type';
  return undefined;
}

/** Translates a WhatsApp message; see the module comment. */
export async function translateWhatsAppMessage(
  message: WhatsAppMessageLike,
  ctx: TranslateContext,
): Promise<Translation> {
  const quick = quickIgnoreReason(message, ctx.startedAtSec);
  if (quick) return { kind: 'ignore', reason: quick };

  const chatId = message.from;
  const isGroup = isGroupId(chatId);
  const userId = isGroup ? (message.author ?? chatId) : chatId;
  let text = message.body.trim();
  // A bare "@Netra" in a group goes on as an empty text: the conversation answers it with one line.
  let bareMention = false;

  if (isGroup) {
    const mentionTokens = await botMentionTokens(message, ctx);
    const mentioned = mentionTokens.length > 0;
    if (mentioned) text = stripMentions(text, mentionTokens);
    if (!mentioned && !isCommandText(text) && !(await quotesBot(message, ctx))) {
      return { kind: 'ignore', reason: 'group-not-addressed' };
    }
    bareMention = mentioned && text === '' && !message.hasMedia;
  }

  const attachment = toAttachment(message, ctx.maxFileBytes);
  if (text === '' && !attachment && !bareMention) return { kind: 'ignore', reason: message.hasMedia ? 'unsupported-type' : 'empty' };

  const incoming: IncomingMessage = {
    channel: 'whatsapp',
    chatId,
    userId,
    isPrivate: !isGroup,
    isAdmin: await isAdmin(userId, ctx),
    text,
  };
  if (attachment) incoming.attachments = [attachment];
  const phone = ctx.identity.phoneNumber;
  if (isGroup && phone) {
    incoming.links = {
      report: `https://wa.me/${phone}?text=lapor`,
      // WhatsApp opens the private chat with the question typed in; one tap sends it.
      fullAnswer: (_token, question) => `https://wa.me/${phone}?text=${encodeURIComponent(question.slice(0, 500))}`,
    };
  }
  return { kind: 'message', message: incoming, isGroup };
}

/** Removes `@<id>` mentions of the bot and tidies the spacing they leave. */
export function stripMentions(text: string, tokens: readonly string[]): string {
  let out = text;
  for (const token of tokens) out = out.split(`@${token}`).join(' ');
  return out
    .replace(/^[\s,.:;!?-]+/, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/**
 * The user parts of the bot's ids mentioned in the message (empty when the bot is not mentioned).
 * A mention may carry the bot's LID instead of its number; an unknown LID is resolved once
 * through WhatsApp and, when it turns out to be the bot, remembered.
 */
async function botMentionTokens(message: WhatsAppMessageLike, ctx: TranslateContext): Promise<string[]> {
  const tokens: string[] = [];
  const unresolved: string[] = [];
  for (const raw of message.mentionedIds ?? []) {
    const id = serializedId(raw);
    if (ctx.identity.matches(id)) tokens.push(idUser(id));
    else if (idServer(id) === 'lid') unresolved.push(id);
  }
  if (tokens.length === 0 && ctx.resolveLid && ctx.identity.known) {
    // Bounded: a message mentioning the whole group must not trigger dozens of look-ups.
    for (const lid of unresolved.slice(0, 5)) {
      const phone = await ctx.resolveLid(lid);
      if (phone && ctx.identity.matches(phone)) {
        ctx.identity.add(lid);
        tokens.push(idUser(lid));
      }
    }
  }
  return tokens;
}

async function quotesBot(message: WhatsAppMessageLike, ctx: TranslateContext): Promise<boolean> {
  if (!message.hasQuotedMsg) return false;
  const quoted = await message.getQuotedMessage();
  if (!quoted) return false;
  return quoted.fromMe || (quoted.author !== undefined && ctx.identity.matches(quoted.author));
}

async function isAdmin(userId: string, ctx: TranslateContext): Promise<boolean> {
  if (ctx.adminIds.length === 0) return false;
  const lidAdmins = new Set(ctx.adminIds.filter((a) => idServer(a) === 'lid').map(idUser));
  const phoneAdmins = new Set(ctx.adminIds.filter((a) => idServer(a) !== 'lid').map(normalizePhone));
  if (idServer(userId) === 'lid') {
    if (lidAdmins.has(idUser(userId))) return true;
    if (phoneAdmins.size === 0 || !ctx.resolveLid) return false;
    const phone = await ctx.resolveLid(userId);
    return phone !== undefined && phoneAdmins.has(normalizePhone(phone));
  }
  return phoneAdmins.has(normalizePhone(userId));
}

function toAttachment(message: WhatsAppMessageLike, maxFileBytes: number): IncomingAttachment | undefined {
  const kind = MEDIA_KINDS[message.type];
  if (!message.hasMedia || !kind) return undefined;
  const raw = message._data ?? {};
  const size = typeof raw.size === 'number' && raw.size > 0 ? raw.size : undefined;
  const attachment: IncomingAttachment = {
    kind,
    async load(): Promise<Buffer> {
      // Refuse before downloading when WhatsApp already told the size: the download goes
      // through the browser page and a large video would hold it for a long time.
      if (size !== undefined && size > maxFileBytes) throw new AttachmentTooLargeError(maxFileBytes, size);
      const media = await message.downloadMedia();
      if (!media || typeof media.data !== 'string') {
        throw new Error('Berkas tidak dapat diunduh dari WhatsApp (mungkin sudah kedaluwarsa). Mohon kirim ulang.');
      }
      if (typeof media.filesize === 'number' && media.filesize > maxFileBytes) {
        throw new AttachmentTooLargeError(maxFileBytes, media.filesize);
      }
      // Base64 is 4 characters per 3 bytes: check before decoding so an oversized file is never held twice.
      const estimated = Math.floor((media.data.length * 3) / 4);
      if (estimated > maxFileBytes + 2) throw new AttachmentTooLargeError(maxFileBytes, estimated);
      const bytes = Buffer.from(media.data, 'base64');
      if (bytes.length > maxFileBytes) throw new AttachmentTooLargeError(maxFileBytes, bytes.length);
      // Photos and voice notes carry no name or type until downloaded; fill them in for the report.
      if (!attachment.mimeType && media.mimetype) attachment.mimeType = media.mimetype;
      if (!attachment.fileName && media.filename) attachment.fileName = media.filename;
      attachment.size = bytes.length;
      return bytes;
    },
  };
  const mimeType = raw.mimetype;
  if (mimeType) attachment.mimeType = mimeType;
  if (raw.filename) attachment.fileName = raw.filename;
  if (size !== undefined) attachment.size = size;
  return attachment;
}
