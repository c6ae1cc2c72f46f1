import { addDays, dayOfWeek, daysBetween, formatLongDate, formatShortDate, type IsoDate } from '../knowledge/calendar-date.js';
import type { ElectionType } from './report-model.js';

/** How close the Bawaslu deadline is. `near` = two (working) days or fewer left, including today. */
export type DeadlineState = 'ok' | 'near' | 'today' | 'past';

export interface ReportDeadline {
  /** `hari_kerja` (Pemilu) counts Monday–Friday; `hari` (Pilkada) counts every day. */
  unit: 'hari_kerja' | 'hari';
  days: 7;
  /** Counted from this date: when the reporter learned of the incident ("sejak diketahui"). */
  from: IsoDate;
  /** The last day a report is on time. */
  due: IsoDate;
  /** Days (in `unit`) left after today until `due`; negative once past. */
  remaining: number;
  state: DeadlineState;
  legalBasis: string;
  /** True when the election type was unknown and the shorter (calendar-day) deadline was assumed. */
  assumed: boolean;
}

/**
 * The deadline for reporting to Bawaslu: 7 working days for Pemilu (UU 7/2017 Pasal 454 ayat (6))
 * and 7 days for Pilkada (UU 8/2015 Pasal 134 ayat (4)), both "sejak diketahui": `knownDate` is
 * the day the reporter learned of it (the flow asks for it; it falls back to the incident date).
 * Only Saturday and Sunday count as non-working: national holidays are not known to Netra, so the
 * real Pemilu deadline can be a little later. When the reporter is unsure which election it is,
 * the shorter Pilkada rule is assumed. Undefined when the incident is not election-related.
 */
export function computeDeadline(election: ElectionType, knownDate: IsoDate, today: IsoDate): ReportDeadline | undefined {
  if (election === 'bukan_pemilihan') return undefined;
  if (election === 'pemilu') {
    const due = addWorkingDays(knownDate, 7);
    const remaining = due >= today ? workingDaysBetween(today, due) : -workingDaysBetween(due, today);
    return {
      unit: 'hari_kerja',
      days: 7,
      from: knownDate,
      due,
      remaining,
      state: stateOf(today, due, remaining),
      legalBasis: 'UU 7/2017 Pasal 454 ayat (6)',
      assumed: false,
    };
  }
  const due = addDays(knownDate, 7);
  const remaining = daysBetween(today, due);
  return {
    unit: 'hari',
    days: 7,
    from: knownDate,
    due,
    remaining,
    state: stateOf(today, due, remaining),
    legalBasis: 'UU 8/2015 Pasal 134 ayat (4)',
    assumed: election === 'tidak_yakin',
  };
}

/** The date `n` working days (Monday–Friday) after `date`. */
export function addWorkingDays(date: IsoDate, n: number): IsoDate {
  let d = date;
  let left = n;
  while (left > 0) {
    d = addDays(d, 1);
    if (isWorkingDay(d)) left--;
  }
  return d;
}

/** Working days after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(from: IsoDate, to: IsoDate): number {
  let count = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
  return count;
}

function isWorkingDay(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6;
}

function stateOf(today: IsoDate, due: IsoDate, remaining: number): DeadlineState {
  if (today > due) return 'past';
  if (today === due) return 'today';
  return remaining <= 2 ? 'near' : 'ok';
}

/** One or two sentences for the reporter about the deadline, with a warning when it is close or past. */
export function describeDeadline(d: ReportDeadline): string {
  const unit = d.unit === 'hari_kerja' ? 'hari kerja' : 'hari';
  const lines = [
    `Batas waktu lapor ke Bawaslu: ${d.days} ${unit} sejak pelanggaran diketahui (${d.legalBasis}). ` +
      `Dihitung sejak diketahui (${formatShortDate(d.from)}), paling lambat ${formatLongDate(d.due)}.`,
  ];
  if (d.assumed) lines.push('Karena jenis pemilihannya belum pasti, Netra memakai batas yang lebih pendek (7 hari kalender).');
  if (d.unit === 'hari_kerja') {
    lines.push('Netra hanya menghitung Senin–Jumat; hari libur nasional tidak diperhitungkan, jadi batas sebenarnya bisa sedikit lebih panjang.');
  }
  if (d.state === 'past') {
    lines.push(
      '⚠️ Batas waktu ini tampaknya sudah lewat, sehingga laporan ke Bawaslu dapat tidak memenuhi syarat formal. Pelanggaran netralitas ASN tetap dapat dilaporkan ke BKN, SP4N-LAPOR!, atau inspektorat instansinya.',
    );
  } else if (d.state === 'today') {
    lines.push('⚠️ Hari ini adalah hari terakhir. Segera sampaikan laporan ke Bawaslu.');
  } else if (d.state === 'near') {
    lines.push(`⚠️ Waktunya tinggal ${d.remaining} ${unit} lagi. Segera sampaikan laporan ke Bawaslu.`);
  }
  return lines.join('\n');
}
