import type { NormalizedText, SituationLexicon } from '../../knowledge/lexicon.js';

const MONTHS: Record<string, number> = {
  januari: 1, jan: 1, februari: 2, feb: 2, maret: 3, mar: 3, april: 4, apr: 4, mei: 5, juni: 6, jun: 6, juli: 7, jul: 7,
  agustus: 8, agu: 8, agt: 8, september: 9, sep: 9, sept: 9, oktober: 10, okt: 10, november: 11, nov: 11, desember: 12, des: 12,
  january: 1, february: 2, march: 3, may: 5, june: 6, july: 7, august: 8, october: 10, december: 12,
};

/**
 * Whether a circumstance stated at tokens [start, end) lies ahead of `today` ("TMT pensiun 1 Januari
 * 2027", "kontrak habis bulan depan"), behind it, or is not dated. Looks a few words around the phrase
 * for a month and year, a year, or words for "next"/"last".
 */
export function timingNear(text: NormalizedText, start: number, end: number, lex: SituationLexicon, today: string): 'future' | 'past' | undefined {
  const from = Math.max(0, start - 2);
  const to = Math.min(text.tokens.length, end + 8);
  const sentence = text.sentence[start];
  const window = (i: number) => i >= from && i < to && text.sentence[i] === sentence;
  const [ty, tm] = today.split('-').map(Number) as [number, number];
  for (let i = from; i < to; i++) {
    if (!window(i)) continue;
    const year = /^(20\d{2})$/.exec(text.tokens[i]!)?.[1];
    if (!year) continue;
    const month = MONTHS[text.tokens[i - 1] ?? ''];
    const y = Number(year);
    if (y !== ty) return y > ty ? 'future' : 'past';
    if (month !== undefined) return month > tm ? 'future' : month < tm ? 'past' : undefined;
    return undefined;
  }
  for (const h of lex.timing.future.find(text)) if (window(h.start)) return 'future';
  for (const h of lex.timing.past.find(text)) if (window(h.start)) return 'past';
  return undefined;
}
