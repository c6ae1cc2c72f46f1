const MONTHS: Record<string, number> = {
  januari: 1, februari: 2, maret: 3, april: 4, mei: 5, juni: 6, juli: 7, agustus: 8, september: 9,
  oktober: 10, november: 11, desember: 12, january: 1, february: 2, march: 3, may: 5, june: 6, july: 7,
  august: 8, october: 10, december: 12,
};

/** A full date written in the question (2024-11-20, 20/11/2024, 20 November 2024), as ISO; else undefined. */
export function findDate(lower: string): string | undefined {
  const iso = /\b(20\d{2})-(\d{2})-(\d{2})\b/.exec(lower);
  if (iso) return `${iso[1]}-${iso[2]}-${iso[3]}`;
  const dmy = /\b(\d{1,2})[/-](\d{1,2})[/-](20\d{2})\b/.exec(lower);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  const named = /\b(\d{1,2})\s+([a-z]+)\s+(20\d{2})\b/.exec(lower);
  if (named && MONTHS[named[2]!]) {
    return `${named[3]}-${String(MONTHS[named[2]!]).padStart(2, '0')}-${named[1]!.padStart(2, '0')}`;
  }
  return undefined;
}
