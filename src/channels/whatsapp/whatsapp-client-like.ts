/**
 * The narrow slice of whatsapp-web.js that the adapter uses. Keeping it this small lets tests
 * drive the adapter with an in-process fake (no Chromium, no WhatsApp Web), and documents
 * exactly which parts of an unofficial, often-changing library Netra depends on.
 */

/** A WhatsApp id in object form (`{ user: '6281…', server: 'c.us', _serialized: '6281…@c.us' }`). */
export interface WhatsAppWidLike {
  user?: string;
  server?: string;
  _serialized: string;
}

/** What `downloadMedia()` resolves to: base64 data plus what WhatsApp knows about the file. */
export interface WhatsAppMediaLike {
  mimetype: string;
  /** Base64-encoded file content. */
  data: string;
  filename?: string | null;
  filesize?: number | null;
}

/** The quoted message of a reply; only who wrote it matters to the adapter. */
export interface WhatsAppQuotedLike {
  fromMe: boolean;
  author?: string;
  from?: string;
}

/** The fields of a whatsapp-web.js `Message` the adapter reads. A real `Message` satisfies it. */
export interface WhatsAppMessageLike {
  id?: { _serialized: string };
  /** The chat: a private id (`…@c.us` / `…@lid`), a group (`…@g.us`) or `status@broadcast`. */
  from: string;
  /** In a group, the person who wrote; undefined in a private chat. */
  author?: string;
  /** Text, or the caption of a media message. */
  body: string;
  /** whatsapp-web.js `MessageTypes` value: `chat`, `image`, `document`, `ptt`, `video`, `audio`, … */
  type: string;
  fromMe: boolean;
  /** Unix time in seconds. */
  timestamp: number;
  isStatus?: boolean;
  broadcast?: boolean;
  hasMedia: boolean;
  hasQuotedMsg: boolean;
  mentionedIds?: ReadonlyArray<string | WhatsAppWidLike>;
  getQuotedMessage(): Promise<WhatsAppQuotedLike | null | undefined>;
  downloadMedia(): Promise<WhatsAppMediaLike | null | undefined>;
  reply(content: string): Promise<unknown>;
  /**
   * The raw WhatsApp Web model. Not part of the typed public API of whatsapp-web.js, but it is
   * the only place the file size and name are known before downloading, so it is read when present.
   */
  _data?: { size?: number; filename?: string; mimetype?: string };
}

/** One entry of `client.getContactLidAndPhone()`: the same person as a LID and as a phone-number id. */
export interface WhatsAppLidAndPhone {
  lid?: string;
  pn?: string;
}

/** The fields of a whatsapp-web.js `Client` the adapter uses. */
export interface WhatsAppClientLike {
  on(event: 'qr', handler: (qr: string) => void): unknown;
  on(event: 'ready', handler: () => void): unknown;
  on(event: 'authenticated', handler: () => void): unknown;
  on(event: 'auth_failure', handler: (message: string) => void): unknown;
  on(event: 'disconnected', handler: (reason: string) => void): unknown;
  on(event: 'message', handler: (message: WhatsAppMessageLike) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<unknown>;
  /** Set once the client is ready. `lid` is read when a future whatsapp-web.js exposes it. */
  info?: { wid?: WhatsAppWidLike; lid?: WhatsAppWidLike } | null;
  /** Resolves LIDs to phone-number ids and back (whatsapp-web.js ≥ 1.31); optional so fakes may omit it. */
  getContactLidAndPhone?(userIds: string[]): Promise<WhatsAppLidAndPhone[]>;
}
