import type { Answer } from '../answer/answer-contract.js';
import type { AnswerBrief } from './answer-brief.js';

/** Which adapter a message came through; reports remember it to notify the reporter on the same channel. */
export type ChannelName = 'console' | 'telegram' | 'whatsapp' | 'http';

/** The language of a conversation's controls (button labels, "Balas 1 …"), taken from its last answer. */
export type Language = 'id' | 'en';

/**
 * The one error an attachment's `load()` throws when the file turns out larger than the limit,
 * whichever channel it came from, so the reporting flow says "terlalu besar" rather than
 * "gagal diunduh".
 */
export class AttachmentTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    readonly actualBytes: number | undefined,
  ) {
    super(`Berkas terlalu besar${actualBytes !== undefined ? ` (${formatMb(actualBytes)})` : ''}; batas ukuran bukti adalah ${formatMb(limitBytes)}.`);
    this.name = 'AttachmentTooLargeError';
  }
}

function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('id-ID', { maximumFractionDigits: 1 })} MB`;
}

/** A file the user sent (evidence during the reporting flow). `load` downloads it only when needed. */
export interface IncomingAttachment {
  kind: 'photo' | 'document' | 'voice' | 'video' | 'audio';
  mimeType?: string;
  /** The sender's file name: shown to admins, never used as a path. */
  fileName?: string;
  /** Size in bytes when the platform tells it before download. */
  size?: number;
  /** Rejects with {@link AttachmentTooLargeError} when the file is over the adapter's limit. */
  load(): Promise<Buffer>;
}

/**
 * Links that move a group member into a private chat with the bot, built by the adapter because
 * only it knows the bot's address (`t.me/<bot>`, `wa.me/<number>`).
 */
export interface PrivateChatLinks {
  /** Opens the private chat and starts a report (`?start=lapor`, `?text=lapor`). */
  report: string;
  /** Opens the private chat with the full answer: `token` names a remembered question, `question` is its text. */
  fullAnswer(token: string, question: string): string;
}

/**
 * A channel-neutral incoming message. Adapters translate platform updates into this and nothing
 * more: deciding what a text means (a command, a numbered reply, a question) is the conversation's.
 */
export interface IncomingMessage {
  channel: ChannelName;
  /** The chat the reply goes to (private chat id or group id), unique within the channel. */
  chatId: string;
  /** The person who wrote; in a private chat usually equal to chatId. */
  userId: string;
  isPrivate: boolean;
  /** True when the adapter verified the sender against its admin list. */
  isAdmin?: boolean;
  text: string;
  /** Set when the user pressed a button. */
  choiceId?: string;
  attachments?: IncomingAttachment[];
  /** In groups: how to reach the private chat (see {@link PrivateChatLinks}). */
  links?: PrivateChatLinks;
  /**
   * The platform's id of this delivery, the same when it delivers the message again (Telegram's
   * update_id: a webhook that was not acknowledged is retried). With several workers the reply
   * to a delivery is recorded, so a redelivered message is answered again, never applied twice.
   */
  deliveryId?: string;
}

/** A button (Telegram) or a numbered option (WhatsApp, console). */
export interface Choice {
  id: string;
  label: string;
  /** When set, the button opens this link instead of sending the choice (Telegram URL buttons). */
  url?: string;
}

/** What the conversation asks an adapter to send. */
export type OutgoingMessage =
  /**
   * An answer. With `brief` (groups) the adapter shows only the brief — verdict, a short reason,
   * the main citation and the link to the full answer — instead of the whole answer.
   */
  | { kind: 'answer'; answer: Answer; choices?: Choice[]; brief?: AnswerBrief }
  | { kind: 'text'; text: string; choices?: Choice[]; language?: Language }
  /**
   * The reply to a button press. Telegram shows `text` as a toast, opens `url` when set, and
   * removes from the pressed message the buttons whose id starts with `dropChoices`; channels
   * without toasts send `text` as a message (and ignore the rest).
   */
  | { kind: 'ack'; text?: string; url?: string; dropChoices?: string; language?: Language };

/** Something that can deliver a text to a chat on a channel (admin notices, report status changes). */
export interface Notifier {
  channel: ChannelName;
  send(chatId: string, text: string): Promise<void>;
}
