import type { Choice, Language, OutgoingMessage } from '../../conversation/messages.js';
import { splitMessage } from '../split-message.js';
import { formatAnswerWhatsApp, formatBriefWhatsApp, formatChoicesWhatsApp, toWhatsAppStyle } from '../whatsapp/format-answer-whatsapp.js';
import { CLOUD_LIMITS, type OutboundMessage } from './outbound-message.js';

/**
 * Renders the conversation's {@link OutgoingMessage}s as Cloud API messages. The text is the same
 * WhatsApp style as the whatsapp-web.js adapter; the choices become real controls:
 *
 * - up to 3 short choices → reply buttons under the (last part of the) text;
 * - an answer's 👍/👎 (and "Laporkan") → reply buttons, its follow-up questions → a list;
 * - up to 10 choices → a list (a label too long for a row title goes whole into its description);
 * - more, or labels or ids beyond Meta's limits → numbered text, as on whatsapp-web.js.
 *
 * A button's id is the choice's id, so a press is exact even on an older message; numbered
 * replies keep working because the conversation remembers what was offered.
 */

const WORDS = {
  id: { choose: 'Pilih', chooseOne: 'Pilih salah satu:', helpful: 'Apakah jawaban ini membantu?', related: 'Pertanyaan terkait:', seeQuestions: 'Lihat pertanyaan' },
  en: { choose: 'Choose', chooseOne: 'Choose one:', helpful: 'Was this answer helpful?', related: 'Related questions:', seeQuestions: 'See questions' },
} as const satisfies Record<Language, Record<string, string>>;

/** Shorter titles for Netra's own controls whose labels exceed a button's 20 characters. */
const SHORT_TITLES: Record<string, Record<Language, string>> = {
  'report:start': { id: '📝 Lapor pelanggaran', en: '📝 Report violation' },
};

/** Renders one outgoing message for the user `to`; an `ack` is its text alone. */
export function renderOutgoingCloud(message: OutgoingMessage, to: string): OutboundMessage[] {
  if (message.kind === 'ack') return message.text ? texts(to, toWhatsAppStyle(message.text)) : [];
  const choices = message.choices?.filter((c) => c.url === undefined) ?? [];
  const language: Language = (message.kind === 'answer' ? message.answer.language : message.language) ?? 'id';
  const words = WORDS[language];

  if (message.kind === 'answer') {
    const followUps = choices.filter((c) => c.id.startsWith('ask:'));
    const controls = choices.filter((c) => !c.id.startsWith('ask:'));
    const body = message.brief
      ? formatBriefWhatsApp(message.answer, message.brief)
      : formatAnswerWhatsApp(message.answer, { followUpsAsChoices: followUps.length > 0 });
    const buttons = buttonsFor(controls, language);
    const list = listRowsFor(followUps);
    if ((controls.length > 0 && !buttons) || (followUps.length > 0 && !list)) return numbered(to, body, choices, language);
    const out = buttons ? withInteractive(to, body, words.helpful, (text) => buttonsMessage(to, text, buttons)) : texts(to, body);
    if (list) out.push(listMessage(to, words.related, words.seeQuestions, list));
    return out;
  }

  const body = toWhatsAppStyle(message.text);
  if (choices.length === 0) return texts(to, body);
  const buttons = buttonsFor(choices, language);
  if (buttons) return withInteractive(to, body, words.chooseOne, (text) => buttonsMessage(to, text, buttons));
  const rows = listRowsFor(choices);
  if (rows) return withInteractive(to, body, words.chooseOne, (text) => listMessage(to, text, words.choose, rows));
  return numbered(to, body, choices, language);
}

type Button = { id: string; title: string };
type Row = { id: string; title: string; description?: string };

/** Reply buttons for `choices`, or undefined when they do not fit (more than 3, a title or id too long). */
function buttonsFor(choices: readonly Choice[], language: Language): Button[] | undefined {
  if (choices.length === 0 || choices.length > CLOUD_LIMITS.buttons) return undefined;
  const buttons: Button[] = [];
  for (const c of choices) {
    const title = [...c.label].length <= CLOUD_LIMITS.buttonTitle ? c.label : SHORT_TITLES[c.id]?.[language];
    if (!title || c.id.length > CLOUD_LIMITS.buttonId) return undefined;
    buttons.push({ id: c.id, title });
  }
  return buttons;
}

/** List rows for `choices`, or undefined when they do not fit (more than 10, a label or id too long). */
function listRowsFor(choices: readonly Choice[]): Row[] | undefined {
  if (choices.length === 0 || choices.length > CLOUD_LIMITS.listRows) return undefined;
  const rows: Row[] = [];
  for (const c of choices) {
    const chars = [...c.label];
    if (c.id.length > CLOUD_LIMITS.rowId || chars.length > CLOUD_LIMITS.rowDescription) return undefined;
    if (chars.length <= CLOUD_LIMITS.rowTitle) rows.push({ id: c.id, title: c.label });
    else rows.push({ id: c.id, title: `${chars.slice(0, CLOUD_LIMITS.rowTitle - 1).join('').trimEnd()}…`, description: c.label });
  }
  return rows;
}

/**
 * The text in parts, the last one carrying the controls when it fits an interactive body
 * (1,024 characters); otherwise the controls follow with a short prompt of their own.
 */
function withInteractive(to: string, body: string, prompt: string, make: (text: string) => OutboundMessage): OutboundMessage[] {
  const parts = splitMessage(body.trim(), CLOUD_LIMITS.text);
  const last = parts.at(-1) ?? '';
  if (last !== '' && last.length <= CLOUD_LIMITS.interactiveBody) {
    return [...parts.slice(0, -1).map((p) => textMessage(to, p)), make(last)];
  }
  return [...parts.filter((p) => p !== '').map((p) => textMessage(to, p)), make(prompt)];
}

function numbered(to: string, body: string, choices: readonly Choice[], language: Language): OutboundMessage[] {
  return texts(to, `${body}\n\n${formatChoicesWhatsApp(choices, language)}`);
}

function texts(to: string, body: string): OutboundMessage[] {
  return splitMessage(body.trim(), CLOUD_LIMITS.text)
    .filter((p) => p !== '')
    .map((p) => textMessage(to, p));
}

function textMessage(to: string, body: string): OutboundMessage {
  // Previews would fetch and show the first link (often a regulation PDF) above the answer.
  return { to, type: 'text', text: { body, preview_url: false } };
}

function buttonsMessage(to: string, text: string, buttons: Button[]): OutboundMessage {
  return {
    to,
    type: 'interactive',
    interactive: { type: 'button', body: { text }, action: { buttons: buttons.map((reply) => ({ type: 'reply', reply })) } },
  };
}

function listMessage(to: string, text: string, button: string, rows: Row[]): OutboundMessage {
  return { to, type: 'interactive', interactive: { type: 'list', body: { text }, action: { button, sections: [{ rows }] } } };
}
