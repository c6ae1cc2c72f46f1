import type { Answer, Citation } from '../answer/answer-contract.js';

/**
 * The short form of an answer for groups: the verdict (from the answer), a two-sentence reason,
 * the main citation with a short title, and a link to the full answer in a private chat. The
 * calendar paragraph, the other citations and the follow-ups stay behind that link.
 */
export interface AnswerBrief {
  /** At most two sentences of the explanation. */
  reason: string;
  /** The first citation, its title cut to the short name ("PP 94/2021"). */
  citation?: Citation;
  /** Opens the private chat with the full answer. */
  moreLink?: string;
  /** Where there are no buttons (WhatsApp groups): opens the private chat to report. */
  reportLink?: string;
}

/** Longest reason kept, in characters, even when two sentences are longer. */
const MAX_REASON = 420;

const ABBREVIATIONS = /(?:\b(?:mis|dll|dsb|dst|no|drs|dr|yth|dkk|hlm|jo|kab|kec|prof|ir|st|h|sdr|bpk|tsb|dll|vs|e\.g|i\.e)|\b[A-Z])\.$/i;

/** Splits text into sentences without cutting "mis." or "Pasal 5 huruf n." style abbreviations mid-thought. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const piece of text.replace(/\s+/g, ' ').trim().split(/(?<=[.!?])\s+/)) {
    current = current ? `${current} ${piece}` : piece;
    if (!ABBREVIATIONS.test(current)) {
      out.push(current);
      current = '';
    }
  }
  if (current) out.push(current);
  return out;
}

/** "PP 94/2021 tentang Disiplin Pegawai Negeri Sipil" → "PP 94/2021". */
export function shortTitle(title: string): string {
  const cut = title.split(/\s+tentang\s+/i)[0]!.trim();
  return cut.length > 80 ? `${cut.slice(0, 79)}…` : cut;
}

export function briefOf(answer: Answer, moreLink?: string): AnswerBrief {
  const firstParagraph = answer.answer.split(/\n\s*\n/).find((p) => p.trim() !== '') ?? '';
  let reason = sentences(firstParagraph).slice(0, 2).join(' ');
  if (reason.length > MAX_REASON) reason = `${reason.slice(0, MAX_REASON - 1).replace(/\s+\S*$/, '')}…`;
  const first = answer.citations[0];
  return {
    reason,
    ...(first ? { citation: { ...first, title: shortTitle(first.title) } } : {}),
    ...(moreLink ? { moreLink } : {}),
  };
}
