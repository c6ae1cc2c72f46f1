import { splitMessage } from '../split-message.js';

/** Telegram's limit for one message's text. */
export const TELEGRAM_MAX_MESSAGE_LENGTH = 4096;

/**
 * Escapes text for Telegram's HTML parse mode. `"` is escaped too, so the same function
 * is safe inside attribute values (`href`). Telegram knows only these named entities.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Splits plain text into HTML-escaped parts of at most `max` characters each. The split
 * happens on the raw text (so an entity like `&amp;` is never cut), and the budget shrinks
 * until the escaped parts fit, because escaping can make a part longer.
 */
export function escapeAndSplit(text: string, max = TELEGRAM_MAX_MESSAGE_LENGTH): string[] {
  let budget = max;
  for (;;) {
    const parts = splitMessage(text, budget).map(escapeHtml);
    if (parts.every((p) => p.length <= max) || budget <= 1) return parts;
    budget = Math.max(1, Math.floor(budget * 0.75));
  }
}

/**
 * Packs rendered HTML units (a paragraph, a citation block) into as few messages as
 * possible without ever cutting a unit, so no message ends inside a tag. Each unit must
 * already fit in `max` on its own.
 */
export function packHtmlUnits(units: readonly string[], max = TELEGRAM_MAX_MESSAGE_LENGTH, separator = '\n\n'): string[] {
  const messages: string[] = [];
  let current = '';
  for (const unit of units) {
    if (unit.length === 0) continue;
    if (current.length === 0) {
      current = unit;
    } else if (current.length + separator.length + unit.length <= max) {
      current += separator + unit;
    } else {
      messages.push(current);
      current = unit;
    }
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

/** Turns our own HTML back into plain text: the fallback when a Bot API server rejects the markup. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
