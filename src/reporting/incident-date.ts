import { addDays, formatShortDate, makeDate, type IsoDate } from '../knowledge/calendar-date.js';

export type DateParseResult = { ok: true; date: IsoDate } | { ok: false; message: string };

const MONTHS: Record<string, number> = {
  januari: 1, jan: 1, january: 1,
  februari: 2, feb: 2, pebruari: 2, peb: 2, february: 2,
  maret: 3, mar: 3, march: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, jun: 6, june: 6,
  juli: 7, jul: 7, july: 7,
  agustus: 8, agu: 8, agt: 8, ags: 8, agus: 8, aug: 8, august: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, okt: 10, oct: 10, october: 10,
  november: 11, nov: 11, nop: 11, nopember: 11,
  desember: 12, des: 12, dec: 12, december: 12,
};

const WEEKDAYS = /^(hari\s+)?(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s*,?\s*/;

/** What the user is told when a date cannot be read at all. */
export const DATE_FORMAT_HINT =
  'Tulis misalnya 12-02-2024, 12/02/2024, 2024-02-12, 12 Februari 2024, "hari ini", atau "kemarin".';

/** The earliest year accepted: older events are almost certainly typos (e.g. 1024 for 2024). */
const MIN_YEAR = 2000;

/**
 * Reads an incident date as Indonesian users write it: `DD-MM-YYYY`, `DD/MM/YYYY`, `YYYY-MM-DD`,
 * "12 Februari 2024" (a missing year means the latest such day not after today), "hari ini",
 * "kemarin", "kemarin lusa", "3 hari lalu". Impossible days (31-02-2024) and days after `today`
 * are refused with a message saying why.
 */
export function parseIncidentDate(input: string, today: IsoDate): DateParseResult {
  const text = input
    .toLowerCase()
    .replace(/[.\s]+$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(tanggal|tgl\.?)\s*/, '')
    .replace(WEEKDAYS, '')
    .trim();

  if (/^(hari ini|tadi|tadi pagi|tadi siang|tadi sore|tadi malam|sekarang)$/.test(text)) return { ok: true, date: today };
  if (/^(kemarin|kemaren|kmrn|kmarin)$/.test(text)) return { ok: true, date: addDays(today, -1) };
  if (/^(kemarin lusa|lusa kemarin|dua hari (yang )?lalu)$/.test(text)) return { ok: true, date: addDays(today, -2) };
  const ago = /^(\d{1,3}) hari (yang )?lalu$/.exec(text);
  if (ago) return checkRange(addDays(today, -Number(ago[1])), today);

  let m = /^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2,4})$/.exec(text);
  if (m) return fromParts(Number(m[3]), Number(m[2]), Number(m[1]), m[3]!, today);

  m = /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$/.exec(text);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]), m[1]!, today);

  m = /^(\d{1,2})\s*[- ]?\s*([a-z]+)\.?(?:\s*[- ]?\s*(\d{2,4}))?$/.exec(text);
  if (m && MONTHS[m[2]!] !== undefined) {
    const day = Number(m[1]);
    const month = MONTHS[m[2]!]!;
    if (m[3] !== undefined) return fromParts(Number(m[3]), month, day, m[3], today);
    // No year: people mean the most recent such day, so "20 Desember" written in January is last year.
    // Looking back up to 4 years also finds the last 29 Februari.
    const thisYear = Number(today.slice(0, 4));
    for (let year = thisYear; year >= thisYear - 4; year--) {
      const candidate = makeDate(year, month, day);
      if (candidate && candidate <= today) return checkRange(candidate, today);
    }
    return impossible(`${day} ${m[2]}`);
  }

  return { ok: false, message: `Maaf, tanggal "${input.trim().slice(0, 40)}" belum dapat saya baca. ${DATE_FORMAT_HINT}` };
}

function fromParts(year: number, month: number, day: number, yearText: string, today: IsoDate): DateParseResult {
  if (yearText.length !== 4) {
    return { ok: false, message: `Mohon tulis tahun dengan 4 angka (misalnya 2024). ${DATE_FORMAT_HINT}` };
  }
  const date = makeDate(year, month, day);
  if (!date) return impossible(`${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}-${year}`);
  return checkRange(date, today);
}

function impossible(shown: string): DateParseResult {
  return {
    ok: false,
    message: `Tanggal ${shown} tidak ada di kalender. Mohon periksa kembali tanggal dan bulannya.`,
  };
}

function checkRange(date: IsoDate, today: IsoDate): DateParseResult {
  if (date > today) {
    return {
      ok: false,
      message: `Tanggal ${formatShortDate(date)} belum terjadi (hari ini ${formatShortDate(today)}). Mohon tulis tanggal kejadian yang sudah lewat atau hari ini.`,
    };
  }
  if (Number(date.slice(0, 4)) < MIN_YEAR) {
    return { ok: false, message: `Tanggal ${formatShortDate(date)} tampaknya keliru (sebelum tahun ${MIN_YEAR}). Mohon periksa tahunnya.` };
  }
  return { ok: true, date };
}
