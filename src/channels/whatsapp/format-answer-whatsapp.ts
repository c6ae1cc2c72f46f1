import { VERDICT_LABELS, type Answer, provenanceNote, VERDICT_EMOJI } from '../../answer/answer-contract.js';
import type { Choice, OutgoingMessage } from '../../conversation/messages.js';
import { splitMessage } from '../split-message.js';

/**
 * WhatsApp's own text style (`*bold*`, `_italic_`, `> quote`), not Markdown: WhatsApp renders
 * `**x**` literally, and links are plain text that the app makes clickable.
 */

/** WhatsApp accepts much longer texts, but a bubble beyond a few thousand characters reads badly on a phone. */
export const WHATSAPP_MAX_MESSAGE_CHARS = 3500;


const HEADINGS = {
  id: { sources: 'Dasar hukum', followUps: 'Pertanyaan terkait' },
  en: { sources: 'Legal basis', followUps: 'Related questions' },
} as const;

/** Renders an {@link Answer} as one WhatsApp text: verdict, explanation, numbered citations, follow-ups. */
export function formatAnswerWhatsApp(answer: Answer): string {
  const language = answer.language ?? 'id';
  const headings = HEADINGS[language];
  const lines: string[] = [
    `${VERDICT_EMOJI[answer.verdict]} *${VERDICT_LABELS[language][answer.verdict]}*`,
    '',
    toWhatsAppStyle(answer.answer.trim()),
  ];
  if (answer.citations.length > 0) {
    lines.push('', `*${headings.sources}:*`);
    answer.citations.forEach((c, i) => {
      lines.push(`${i + 1}. *${plain(c.title)}* — ${plain(c.ref)}`);
      // The quote is verbatim regulation text; each line is quoted so WhatsApp shows it as one block.
      for (const q of c.quote.trim().split(/\r?\n/)) lines.push(`> ${q.trim()}`);
      const note = provenanceNote(c, language);
      if (note) lines.push(`_${note.replace(/[_*]/g, '')}_`);
      const link = c.sourceUrl ?? c.url;
      if (link) lines.push(link);
    });
  }
  if (answer.followUps && answer.followUps.length > 0) {
    lines.push('', `*${headings.followUps}:*`);
    for (const f of answer.followUps) lines.push(`• ${f}`);
  }
  return lines.join('\n');
}

/**
 * Turns choices into numbered options the user answers by sending the number.
 * A few short options fit one line; longer lists read better one per line.
 */
export function formatChoicesWhatsApp(choices: readonly Choice[]): string {
  if (choices.length === 0) return '';
  const short = choices.length <= 3 && choices.every((c) => c.label.length <= 40);
  if (short) {
    const parts = choices.map((c, i) => `*${i + 1}* untuk ${c.label}`);
    return `Balas ${joinIndonesian(parts)}.`;
  }
  return ['Balas dengan angka pilihan Anda:', ...choices.map((c, i) => `*${i + 1}.* ${c.label}`)].join('\n');
}

/**
 * Renders one {@link OutgoingMessage} as the WhatsApp texts to send, in order, each at most
 * `maxChars` long. The choices go at the end, so the numbers are the last thing the user reads.
 */
export function renderOutgoingWhatsApp(message: OutgoingMessage, maxChars = WHATSAPP_MAX_MESSAGE_CHARS): string[] {
  const body = message.kind === 'answer' ? formatAnswerWhatsApp(message.answer) : toWhatsAppStyle(message.text);
  const choices = message.choices && message.choices.length > 0 ? `\n\n${formatChoicesWhatsApp(message.choices)}` : '';
  return splitMessage(`${body}${choices}`.trim(), maxChars);
}

/** Converts the Markdown the answer pipeline may produce (`**bold**`, `__x__`) to WhatsApp's `*bold*`. */
export function toWhatsAppStyle(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, '*$1*').replace(/__(.+?)__/g, '_$1_');
}

/** Titles and references are shown inside `*…*`; an asterisk in them would end the bold early. */
function plain(text: string): string {
  return text.replace(/\*/g, '').trim();
}

function joinIndonesian(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')}, atau ${parts[parts.length - 1]}`;
}
