import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Choice } from '../../conversation/messages.js';

/** Telegram refuses `callback_data` longer than this many bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

const TOKEN_PREFIX = '~t';

/**
 * Maps choice ids to `callback_data`. Ids that fit in 64 bytes travel as they are, so buttons
 * keep working across restarts; longer ids get a short token kept in memory (the newest
 * `capacity` of them), which is enough for buttons a user presses within a session.
 */
export class CallbackDataCodec {
  private readonly byToken = new Map<string, string>();
  private readonly byId = new Map<string, string>();
  private counter = 0;

  constructor(private readonly capacity = 10_000) {}

  /** The `callback_data` for a choice id (always ≤ 64 bytes). */
  encode(id: string): string {
    if (Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_DATA_BYTES && !id.startsWith(TOKEN_PREFIX)) return id;
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const token = `${TOKEN_PREFIX}${(this.counter++).toString(36)}`;
    this.byToken.set(token, id);
    this.byId.set(id, token);
    if (this.byToken.size > this.capacity) {
      const oldest = this.byToken.keys().next().value;
      if (oldest !== undefined) {
        this.byId.delete(this.byToken.get(oldest) ?? '');
        this.byToken.delete(oldest);
      }
    }
    return token;
  }

  /** The choice id behind `callback_data`, or undefined when a token has been forgotten (e.g. after a restart). */
  decode(data: string): string | undefined {
    return data.startsWith(TOKEN_PREFIX) ? this.byToken.get(data) : data;
  }
}

/** Short labels that belong together (👍 / 👎, whatever their length) share a row; anything long gets a row of its own. */
const SHORT_LABEL = 16;
const MAX_PER_ROW = 3;

/**
 * The same keyboard without the buttons whose choice id starts with `prefix` (e.g. the 👍/👎
 * row after a vote), or undefined when nothing would be left.
 */
export function withoutChoices(
  keyboard: InlineKeyboardMarkup | undefined,
  prefix: string,
  codec: CallbackDataCodec,
): InlineKeyboardMarkup | undefined {
  if (!keyboard) return undefined;
  const rows = keyboard.inline_keyboard
    .map((row) => row.filter((b) => !('callback_data' in b && b.callback_data !== undefined && (codec.decode(b.callback_data) ?? '').startsWith(prefix))))
    .filter((row) => row.length > 0);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Builds an inline keyboard for the conversation's choices; a choice with a `url` opens it. */
export function buildInlineKeyboard(choices: readonly Choice[], codec: CallbackDataCodec): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  let previousGroup: string | undefined;
  for (const choice of choices) {
    const button: InlineKeyboardButton = choice.url
      ? { text: choice.label, url: choice.url }
      : { text: choice.label, callback_data: codec.encode(choice.id) };
    // 👍/👎 always share a row, in English ("👎 Not quite right") as in Indonesian.
    const short = choice.label.length <= SHORT_LABEL || choice.id.startsWith('feedback:');
    const group = short ? choice.id.split(':')[0] : undefined;
    const last = rows[rows.length - 1];
    if (last && group !== undefined && group === previousGroup && last.length < MAX_PER_ROW) last.push(button);
    else rows.push([button]);
    previousGroup = group;
  }
  return { inline_keyboard: rows };
}
