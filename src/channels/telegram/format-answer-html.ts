import { VERDICT_LABELS, type Answer, type Citation, provenanceNote, VERDICT_EMOJI } from '../../answer/answer-contract.js';
import { escapeAndSplit, escapeHtml, packHtmlUnits, TELEGRAM_MAX_MESSAGE_LENGTH } from './html.js';


const HEADINGS = {
  id: { citations: 'Dasar hukum', followUps: 'Pertanyaan terkait', source: 'Buka sumber', continued: 'lanjutan' },
  en: { citations: 'Legal basis', followUps: 'Related questions', source: 'Open source', continued: 'continued' },
} as const;

/** Titles and refs are short in practice; the cap only guarantees a citation header always fits a message. */
const MAX_HEADER_FIELD = 600;

/**
 * Renders an {@link Answer} as Telegram HTML messages (`parse_mode: 'HTML'`): the verdict as a
 * bold label with an emoji, the explanation, numbered citations with the verbatim quote in an
 * expandable blockquote and a link to the source, and follow-up questions. Every string that
 * comes from the user or the corpus is escaped. Long answers are split between paragraphs or
 * citation blocks, so every returned part is valid HTML of at most `max` characters.
 */
export function formatAnswerHtml(answer: Answer, max = TELEGRAM_MAX_MESSAGE_LENGTH): string[] {
  const language = answer.language ?? 'id';
  const words = HEADINGS[language];
  const units: string[] = [`${VERDICT_EMOJI[answer.verdict]} <b>${escapeHtml(VERDICT_LABELS[language][answer.verdict])}</b>`];

  for (const paragraph of answer.answer.split(/\n\s*\n/)) {
    if (paragraph.trim() !== '') units.push(...escapeAndSplit(paragraph.trim(), max));
  }

  answer.citations.forEach((citation, i) => {
    const blocks = citationBlocks(citation, i + 1, words, max, provenanceNote(citation, language));
    // The heading rides with the first citation so it never ends a message on its own.
    if (i === 0) blocks[0] = `<b>${escapeHtml(words.citations)}</b>\n${blocks[0] ?? ''}`;
    units.push(...blocks);
  });

  const followUps = (answer.followUps ?? []).map((q) => q.trim()).filter((q) => q !== '');
  if (followUps.length > 0) {
    const items = followUps.flatMap((q) => escapeAndSplit(`• ${q}`, max));
    const heading = `<b>${escapeHtml(words.followUps)}</b>`;
    units.push(...packHtmlUnits([heading, ...items], max, '\n'));
  }

  return packHtmlUnits(units, max);
}

/** Renders a plain conversation text as escaped HTML parts (the conversation's text is never markup). */
export function formatTextHtml(text: string, max = TELEGRAM_MAX_MESSAGE_LENGTH): string[] {
  const units = text
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .flatMap((p) => escapeAndSplit(p.trim(), max));
  return packHtmlUnits(units, max);
}

/** True for links Telegram accepts in `<a href>`; anything else is shown as text, never linked. */
function isLinkable(url: string): boolean {
  if (/\s/.test(url)) return false;
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

function citationBlocks(
  citation: Citation,
  number: number,
  words: (typeof HEADINGS)[keyof typeof HEADINGS],
  max: number,
  note?: string,
): string[] {
  const header = `${number}. <b>${escapeHtml(cap(citation.title))}</b> — ${escapeHtml(cap(citation.ref))}`;
  const url = (citation.sourceUrl ?? citation.url)?.trim();
  const link = url
    ? isLinkable(url)
      ? `<a href="${escapeHtml(url)}">${escapeHtml(words.source)}</a>`
      : escapeHtml(cap(url))
    : '';
  // One short provenance note ("Teks: dikutip media (grid.id)") before the link.
  const footer = [note ? `<i>${escapeHtml(cap(note))}</i>` : '', link].filter(Boolean).join('\n');
  const continuation = `<i>(${escapeHtml(words.continued)} ${number})</i>`;
  const open = '<blockquote expandable>';
  const close = '</blockquote>';
  // Room for the citation heading too, which the first block may carry.
  const reserve = Math.max(header.length, continuation.length) + footer.length + open.length + close.length + 64;
  const quote = citation.quote.trim();
  // Telegram rejects empty entities, so a blank quote gets no blockquote at all.
  if (quote === '') return [[header, footer].filter(Boolean).join('\n')];
  const quoteParts = escapeAndSplit(quote, Math.max(200, max - reserve));
  return quoteParts.map((part, i) => {
    const lines = [i === 0 ? header : continuation, `${open}${part}${close}`];
    if (footer && i === quoteParts.length - 1) lines.push(footer);
    return lines.join('\n');
  });
}

function cap(text: string): string {
  return text.length > MAX_HEADER_FIELD ? `${text.slice(0, MAX_HEADER_FIELD - 1)}…` : text;
}
