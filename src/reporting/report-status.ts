import { z } from 'zod';
import { REPORT_STATUS_VALUES } from '../storage/database.js';

/**
 * Where a report is in its handling. `diterima` is set on submission; admins move it on with
 * `/ubahstatus`. Any status may follow any other, so an admin can correct a mistake.
 */
export const REPORT_STATUSES = REPORT_STATUS_VALUES;
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

/** True when `value` is one of {@link REPORT_STATUSES}. */
export function isReportStatus(value: string): value is ReportStatus {
  return (REPORT_STATUSES as readonly string[]).includes(value);
}
