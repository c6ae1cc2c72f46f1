import type { Answer } from '../answer/answer-contract.js';

/** Which adapter a message came through; reports remember it to notify the reporter on the same channel. */
export type ChannelName = 'console' | 'telegram' | 'whatsapp' | 'http';

/**
 * Thrown by {@link IncomingAttachment.load} when a file turns out larger than the limit, so the
 * reporting flow can say "terlalu besar" rather than "gagal diunduh".
 */
export class AttachmentTooLargeError extends Error {
  constructor(
    readonly limitBytes: number,
    readonly actualBytes: number | undefined,
    message = 'Berkas terlalu besar.',
  ) {
    super(message);
    this.name = 'AttachmentTooLargeError';
  }
}

/** A file the user sent (evidence during the reporting flow). `load` downloads it only when needed. */
export interface IncomingAttachment {
  kind: 'photo' | 'document' | 'voice' | 'video' | 'audio';
  mimeType?: string;
  /** The sender's file name: shown to admins, never used as a path. */
  fileName?: string;
  /** Size in bytes when the platform tells it before download. */
  size?: number;
  load(): Promise<Buffer>;
}

/**
 * A channel-neutral incoming message. Adapters translate platform updates into this and nothing more.
 * Commands are normalised to a leading slash (`/lapor`, `/status NTR-…`) by the adapter.
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
  /** Set when the user pressed a button / replied with a number mapped to a {@link Choice}. */
  choiceId?: string;
  attachments?: IncomingAttachment[];
  /** A link that opens a private chat with the bot (Telegram deep link), used when `/lapor` is sent in a group. */
  privateChatLink?: string;
}

/** A button (Telegram) or a numbered option (WhatsApp, console). */
export interface Choice {
  id: string;
  label: string;
}

/** What the conversation asks an adapter to send. */
export type OutgoingMessage =
  | { kind: 'answer'; answer: Answer; choices?: Choice[] }
  | { kind: 'text'; text: string; choices?: Choice[] };

/** Something that can deliver a text to a chat on a channel (admin notices, report status changes). */
export interface Notifier {
  channel: ChannelName;
  send(chatId: string, text: string): Promise<void>;
}
