import { z } from 'zod';

/**
 * Where a report is in its handling. `diterima` is set on submission; admins move it on with
 * `/ubahstatus`. The values are reporting's own; the database's CHECK constraint repeats them
 * (a migration is frozen once applied), and a test keeps the two lists equal.
 */
export const REPORT_STATUSES = ['diterima', 'diverifikasi', 'diteruskan', 'selesai', 'ditolak'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const ReportStatusSchema = z.enum(REPORT_STATUSES);

/** How each status is explained to the reporter. */
export const STATUS_LABELS: Record<ReportStatus, { label: string; meaning: string }> = {
  diterima: { label: 'Diterima', meaning: 'laporan sudah tercatat di Netra dan menunggu diperiksa admin' },
  diverifikasi: { label: 'Diverifikasi', meaning: 'admin sudah memeriksa kelengkapan laporan' },
  diteruskan: { label: 'Diteruskan', meaning: 'laporan sudah diteruskan ke kanal resmi' },
  selesai: { label: 'Selesai', meaning: 'penanganan laporan di Netra sudah selesai' },
  ditolak: { label: 'Ditolak', meaning: 'laporan tidak dapat ditindaklanjuti (lihat catatan admin)' },
};

/**
 * How far along each status is. `selesai` and `ditolak` are both ends; leaving either, or moving
 * to an earlier step, is a correction the reporter will be told about, so it needs a reason.
 */
const RANK: Record<ReportStatus, number> = { diterima: 0, diverifikasi: 1, diteruskan: 2, selesai: 3, ditolak: 3 };
const FINAL: ReadonlySet<ReportStatus> = new Set(['selesai', 'ditolak']);

/** True when `value` is one of {@link REPORT_STATUSES}. */
export function isReportStatus(value: string): value is ReportStatus {
  return (REPORT_STATUSES as readonly string[]).includes(value);
}

export type TransitionCheck = { ok: true; backwards: boolean } | { ok: false; message: string };

/**
 * Whether a report may go from `from` to `to`. Forward moves are free; a move backwards (or out
 * of a final status) needs a note saying why, because the reporter sees the change and would
 * otherwise be told only that their report went back. Setting the same status again is refused
 * unless a note comes with it (then it records the note).
 */
export function checkTransition(from: ReportStatus, to: ReportStatus, note: string | undefined): TransitionCheck {
  const hasNote = Boolean(note?.trim());
  if (from === to) {
    return hasNote
      ? { ok: true, backwards: false }
      : { ok: false, message: `Laporan ini sudah berstatus ${STATUS_LABELS[to].label}. Tambahkan catatan bila ingin mencatat perkembangan baru.` };
  }
  const backwards = RANK[to] < RANK[from] || FINAL.has(from);
  if (backwards && !hasNote) {
    return {
      ok: false,
      message: `Status tidak dapat diubah mundur dari ${STATUS_LABELS[from].label} ke ${STATUS_LABELS[to].label} tanpa catatan alasan, karena pelapor akan melihat perubahannya. Tulis alasannya di akhir perintah.`,
    };
  }
  return { ok: true, backwards };
}
