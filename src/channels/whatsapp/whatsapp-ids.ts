import type { WhatsAppWidLike } from './whatsapp-client-like.js';

/**
 * WhatsApp addresses one person in two ways: a phone-number id (`6281234567890@c.us`) and,
 * since the LID migration, a Linked ID (`123456789012345@lid`) that shares no digits with the
 * number. Linked devices also add a `:N` device suffix. These helpers compare ids safely.
 */

/** The server part of an id: `c.us`, `lid`, `g.us`, `broadcast`, … (empty when there is none). */
export function idServer(id: string): string {
  const at = id.lastIndexOf('@');
  return at < 0 ? '' : id.slice(at + 1).toLowerCase();
}

/** The user part of an id without the device suffix: `6281…:12@c.us` → `6281…`. */
export function idUser(id: string): string {
  const at = id.lastIndexOf('@');
  const user = at < 0 ? id : id.slice(0, at);
  return user.split(':')[0]!.trim();
}

/** True for a group chat id. */
export function isGroupId(id: string): boolean {
  return idServer(id) === 'g.us';
}

/** Accepts `string` or whatsapp-web.js `Wid` objects, which some versions put in `mentionedIds`. */
export function serializedId(id: string | WhatsAppWidLike): string {
  return typeof id === 'string' ? id : id._serialized;
}

/**
 * Normalises a phone number as an operator would write it in `WHATSAPP_ADMIN_IDS`
 * (`+62 812-3456-7890`, `0812…`, `62812…@c.us`) to the digits WhatsApp uses (`62812…`).
 * Indonesian local numbers starting with 0 get the country code, the usual way they are written.
 */
export function normalizePhone(value: string): string {
  const digits = idUser(value).replace(/\D/g, '');
  return digits.startsWith('0') ? `62${digits.slice(1)}` : digits;
}

/**
 * The ids the bot answers to: its phone-number user part and any known LID user part.
 * Both stay live because groups migrate to LIDs at different times.
 */
export class BotIdentity {
  private phone: string | undefined;
  private readonly lids = new Set<string>();

  /** Records the bot's own id (`client.info.wid`, or a LID). */
  add(id: string | WhatsAppWidLike | undefined | null): void {
    if (!id) return;
    const serialized = serializedId(id);
    const user = idUser(serialized);
    if (!user) return;
    if (idServer(serialized) === 'lid') this.lids.add(user);
    else this.phone = user;
  }

  /** The bot's phone number (digits), when WhatsApp told it; used for `wa.me` links. */
  get phoneNumber(): string | undefined {
    return this.phone && /^\d+$/.test(this.phone) ? this.phone : undefined;
  }

  /** True once the bot knows at least one of its own ids. */
  get known(): boolean {
    return this.phone !== undefined || this.lids.size > 0;
  }

  /** True when `id` is the bot, in either addressing form. */
  matches(id: string | WhatsAppWidLike): boolean {
    const serialized = serializedId(id);
    const user = idUser(serialized);
    if (!user) return false;
    if (idServer(serialized) === 'lid') return this.lids.has(user);
    return user === this.phone;
  }

  /** The user parts of every id the bot answers to, for stripping `@6281…` mentions from the text. */
  mentionTokens(): string[] {
    return [...(this.phone ? [this.phone] : []), ...this.lids];
  }
}

/**
 * The chat id to message an admin listed in `WHATSAPP_ADMIN_IDS` (a phone number in any common
 * spelling, or a `…@lid` id): `62812…@c.us`, or the LID as it is.
 */
export function whatsappChatIdOf(adminId: string): string {
  if (idServer(adminId) === 'lid') return `${idUser(adminId)}@lid`;
  return `${normalizePhone(adminId)}@c.us`;
}
