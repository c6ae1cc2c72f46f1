import { VERDICT_LABELS, type Answer, provenanceNote, VERDICT_EMOJI } from '../../answer/answer-contract.js';
import type { AnswerBrief } from '../../conversation/answer-brief.js';
import type { Choice, Language, OutgoingMessage } from '../../conversation/messages.js';
import { splitMessage } from '../split-message.js';

/**
 * WhatsApp's own text style (`*bold*`, `_italic_`, `> quote`), not Markdown: WhatsApp renders
 * `**x**` literally, and links are plain text that the app makes clickable.
 */

/** WhatsApp accepts much longer texts, but a bubble beyond a few thousand characters reads badly on a phone. */
export const WHATSAPP_MAX_MESSAGE_CHARS = 3500;

const WORDS = {
  id: {
    sources: 'Dasar hukum',
    followUps: 'Pertanyaan terkait',
    basis: 'Dasar',
    more: 'Selengkapnya di chat pribadi',
    report: 'Untuk melapor, lewat chat pribadi',
    replyOne: (parts: string) => `Balas ${parts}${endStop(parts)}`,
    replyFor: 'untuk',
    or: 'atau',
    replyList: 'Balas dengan angka pilihan Anda:',
  },
  en: {
    sources: 'Legal basis',
    followUps: 'Related questions',
    basis: 'Basis',
    more: 'More in a private chat',
    report: 'To report, in a private chat',
    replyOne: (parts: string) => `Reply ${parts}${endStop(parts)}`,
    replyFor: 'for',
    or: 'or',
    replyList: 'Reply with the number of your choice:',
  },
} as const;

/** A period to close a line, unless it already ends in one (a follow-up question ends in "?"). */
function endStop(text: string): string {
  return /[.?!]$/.test(text) ? '' : '.';
}

/**
 * Renders an {@link Answer} as one WhatsApp text: verdict, explanation, numbered citations and,
 * unless they are offered as numbered choices, the follow-up questions.
 */
export function formatAnswerWhatsApp(answer: Answer, options: { followUpsAsChoices?: boolean } = {}): string {
  const language = answer.language ?? 'id';
  const words = WORDS[language];
  const lines: string[] = [
    `${VERDICT_EMOJI[answer.verdict]} *${VERDICT_LABELS[language][answer.verdict]}*`,
    '',
    toWhatsAppStyle(answer.answer.trim()),
  ];
  if (answer.citations.length > 0) {
    lines.push('', `*${words.sources}:*`);
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
  if (!options.followUpsAsChoices && answer.followUps && answer.followUps.length > 0) {
    lines.push('', `*${words.followUps}:*`);
    for (const f of answer.followUps) lines.push(`• ${f}`);
  }
  return lines.join('\n');
}

/** The group form: verdict, a short reason, the main citation, and the links to the private chat. */
export function formatBriefWhatsApp(answer: Answer, brief: AnswerBrief): string {
  const language = answer.language ?? 'id';
  const words = WORDS[language];
  const lines = [`${VERDICT_EMOJI[answer.verdict]} *${VERDICT_LABELS[language][answer.verdict]}*`, '', toWhatsAppStyle(brief.reason)];
  if (brief.citation) {
    lines.push('', `${words.basis}: *${plain(brief.citation.title)}* — ${plain(brief.citation.ref)}`);
    for (const q of brief.citation.quote.trim().split(/\r?\n/)) lines.push(`> ${q.trim()}`);
    const note = provenanceNote(brief.citation, language);
    if (note) lines.push(`_${note.replace(/[_*]/g, '')}_`);
  }
  if (brief.moreLink) lines.push('', `${words.more}: ${brief.moreLink}`);
  if (brief.reportLink) lines.push(`${words.report}: ${brief.reportLink}`);
  return lines.join('\n');
}

/**
 * Turns choices into numbered options the user answers by sending the number.
 * A few short options fit one line; longer lists read better one per line.
 */
export function formatChoicesWhatsApp(choices: readonly Choice[], language: Language = 'id'): string {
  if (choices.length === 0) return '';
  const words = WORDS[language];
  const short = choices.length <= 3 && choices.every((c) => c.label.length <= 40);
  if (short) {
    const parts = choices.map((c, i) => `*${i + 1}* ${words.replyFor} ${c.label}`);
    return words.replyOne(joinWords(parts, words.or));
  }
  return [words.replyList, ...choices.map((c, i) => `*${i + 1}.* ${c.label}`)].join('\n');
}

/**
 * Renders one {@link OutgoingMessage} as the WhatsApp texts to send, in order, each at most
 * `maxChars` long. The choices go at the end, so the numbers are the last thing the user reads.
 * An `ack` (the reply to a numbered choice) is its text alone.
 */
export function renderOutgoingWhatsApp(message: OutgoingMessage, maxChars = WHATSAPP_MAX_MESSAGE_CHARS): string[] {
  if (message.kind === 'ack') return message.text ? splitMessage(toWhatsAppStyle(message.text), maxChars) : [];
  const choices = message.choices?.filter((c) => c.url === undefined) ?? [];
  let body: string;
  let language: Language;
  if (message.kind === 'answer') {
    language = message.answer.language ?? 'id';
    body = message.brief
      ? formatBriefWhatsApp(message.answer, message.brief)
      : formatAnswerWhatsApp(message.answer, { followUpsAsChoices: choices.some((c) => c.id.startsWith('ask:')) });
  } else {
    language = message.language ?? 'id';
    body = toWhatsAppStyle(message.text);
  }
  const footer = choices.length > 0 ? `\n\n${formatChoicesWhatsApp(choices, language)}` : '';
  return splitMessage(`${body}${footer}`.trim(), maxChars);
}

/** Converts the Markdown the answer pipeline may produce (`**bold**`, `__x__`) to WhatsApp's `*bold*`. */
export function toWhatsAppStyle(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, '*$1*').replace(/__(.+?)__/g, '_$1_');
}

/** Titles and references are shown inside `*…*`; an asterisk in them would end the bold early. */
function plain(text: string): string {
  return text.replace(/\*/g, '').trim();
}

function joinWords(parts: string[], or: string): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')}, ${or} ${parts[parts.length - 1]}`;
}
