import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { type ChoiceTokens, RecentChoiceTokens } from '../../conversation/choice-tokens.js';
import type { Choice } from '../../conversation/messages.js';

/** Telegram refuses `callback_data` longer than this many bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

const TOKEN_PREFIX = '~t';

/**
 * Maps choice ids to `callback_data`. Ids that fit in 64 bytes travel as they are, so buttons
 * keep working across restarts and workers; longer ids travel as a token of `tokens` (in this
 * process, or shared by every worker with PostgreSQL).
 */
export class CallbackDataCodec {
  constructor(private readonly tokens: ChoiceTokens = new RecentChoiceTokens()) {}

  /** The `callback_data` for a choice id (always ≤ 64 bytes). */
  async encode(id: string): Promise<string> {
    if (Buffer.byteLength(id, 'utf8') <= MAX_CALLBACK_DATA_BYTES && !id.startsWith(TOKEN_PREFIX)) return id;
    return `${TOKEN_PREFIX}${await this.tokens.tokenFor(id)}`;
  }

  /** The choice id behind `callback_data`, or undefined when its token is not known (expired, or forgotten after a restart). */
  async decode(data: string): Promise<string | undefined> {
    return data.startsWith(TOKEN_PREFIX) ? this.tokens.idOf(data.slice(TOKEN_PREFIX.length)) : data;
  }
}

/** Short labels that belong together (👍 / 👎, whatever their length) share a row; anything long gets a row of its own. */
const SHORT_LABEL = 16;
const MAX_PER_ROW = 3;

/**
 * The same keyboard without the buttons whose choice id starts with `prefix` (e.g. the 👍/👎
 * row after a vote), or undefined when nothing would be left.
 */
export async function withoutChoices(
  keyboard: InlineKeyboardMarkup | undefined,
  prefix: string,
  codec: CallbackDataCodec,
): Promise<InlineKeyboardMarkup | undefined> {
  if (!keyboard) return undefined;
  const dropped = async (b: InlineKeyboardButton): Promise<boolean> =>
    'callback_data' in b && b.callback_data !== undefined && ((await codec.decode(b.callback_data)) ?? '').startsWith(prefix);
  const rows: InlineKeyboardButton[][] = [];
  for (const row of keyboard.inline_keyboard) {
    const flags = await Promise.all(row.map(dropped));
    const kept = row.filter((_, i) => !flags[i]);
    if (kept.length > 0) rows.push(kept);
  }
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Builds an inline keyboard for the conversation's choices; a choice with a `url` opens it. */
export async function buildInlineKeyboard(choices: readonly Choice[], codec: CallbackDataCodec): Promise<InlineKeyboardMarkup> {
  const rows: InlineKeyboardButton[][] = [];
  let previousGroup: string | undefined;
  for (const choice of choices) {
    const button: InlineKeyboardButton = choice.url
      ? { text: choice.label, url: choice.url }
      : { text: choice.label, callback_data: await codec.encode(choice.id) };
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
