import { formatLongDate, formatTimestamp } from '../knowledge/calendar-date.js';
import { describeKind, formatBytes } from './evidence-store.js';
import {
  ELECTION_LABELS,
  type DraftFields,
  type ElectionType,
  type EvidenceFile,
  type ReportedParty,
  type ReporterIdentity,
  type StatusHistoryEntry,
  type StoredReport,
} from './report-model.js';
import { channelLabel, routeLabel } from './report-labels.js';
import { STATUS_LABELS } from './report-status.js';

/** The parts of a report every summary shows, whether it is still a draft or already stored. */
export interface ReportContent {
  kindLabel?: string;
  election?: ElectionType;
  reported?: ReportedParty;
  incidentDate?: string;
  knownDate?: string;
  place?: string;
  chronology?: string;
  evidence: EvidenceFile[];
  links: string[];
}

const EMPTY = '(belum diisi)';

/** "Budi Santoso — Kepala Seksi — Dinas Pendidikan (NIP/NIK 1980…)". */
export function formatParty(p: ReportedParty | undefined): string {
  if (!p) return EMPTY;
  const parts = [p.name ?? 'nama tidak diketahui', p.position, p.agency].filter(Boolean);
  return parts.join(' — ') + (p.idNumber ? ` (NIP/NIK ${p.idNumber})` : '');
}

export function formatIdentity(i: ReporterIdentity | undefined): string {
  if (!i) return 'Anonim';
  return [
    `Nama: ${i.name ?? '-'}`,
    `Alamat: ${i.address ?? '-'}`,
    `Kontak: ${i.contact ?? '-'}`,
  ].join('\n');
}

function formatEvidence(c: ReportContent): string {
  const lines = c.evidence.map(
    (e, n) =>
      `${n + 1}. ${e.originalName ?? describeKind(e.attachmentKind)} (${e.mimeType}, ${formatBytes(e.size)})${e.description ? ` — "${e.description}"` : ''}`,
  );
  const links = c.links.map((l, n) => `${c.evidence.length + n + 1}. ${l}`);
  const all = [...lines, ...links];
  return all.length > 0 ? all.join('\n') : 'Tidak ada';
}

/** The summary shown before the reporter confirms (everything they entered, identity included). */
export function formatDraftSummary(f: DraftFields): string {
  const identity = f.anonymous ? 'Anonim' : formatIdentity(f.identity);
  return [
    '📝 Ringkasan laporan Anda',
    '',
    `Jenis: ${f.kindLabel ?? EMPTY}`,
    `Pemilihan: ${f.election ? ELECTION_LABELS[f.election] : EMPTY}`,
    `Terlapor: ${formatParty(f.reported)}`,
    `Tanggal kejadian: ${f.incidentDate ? formatLongDate(f.incidentDate) : EMPTY}`,
    f.knownDate && f.knownDate !== f.incidentDate ? `Diketahui pada: ${formatLongDate(f.knownDate)}` : '',
    `Tempat: ${f.place ?? EMPTY}`,
    `Uraian kejadian:\n${f.chronology ?? EMPTY}`,
    `Bukti:\n${formatEvidence(f)}`,
    `Identitas pelapor:\n${identity}`,
    f.anonymous ? '' : `Identitas diteruskan ke admin Netra: ${f.consent ? 'ya' : 'tidak'}`,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

/**
 * The text a reporter pastes into the official channel, ordered as UU 7/2017 Pasal 454 ayat (4)
 * lists the minimum contents. Without an identity it leaves a clear placeholder, because Bawaslu
 * will not accept a formal report without the reporter's name and address.
 */
export function formatOfficialText(c: ReportContent, identity: ReporterIdentity | undefined, ticket?: string): string {
  const reporter = identity
    ? `${identity.name ?? '[isi nama Anda]'}, ${identity.address ?? '[isi alamat Anda]'}${identity.contact ? `, kontak ${identity.contact}` : ''}`
    : '[isi nama dan alamat Anda bila melapor ke Bawaslu; kosongkan bila melapor anonim lewat SP4N-LAPOR!]';
  return [
    'LAPORAN DUGAAN PELANGGARAN NETRALITAS ASN',
    ticket ? `(disiapkan melalui Netra, tiket ${ticket})` : '',
    '',
    `1. Nama dan alamat pelapor: ${reporter}`,
    `2. Pihak terlapor: ${formatParty(c.reported)}`,
    `3. Waktu dan tempat kejadian: ${c.incidentDate ? formatLongDate(c.incidentDate) : EMPTY}, ${c.place ?? EMPTY}${
      c.knownDate && c.knownDate !== c.incidentDate ? ` (diketahui pada ${formatLongDate(c.knownDate)})` : ''
    }`,
    `4. Uraian kejadian (${c.kindLabel ?? 'dugaan pelanggaran netralitas'}${c.election && c.election !== 'tidak_yakin' && c.election !== 'bukan_pemilihan' ? `, ${c.election === 'pemilu' ? 'Pemilu' : 'Pilkada'}` : ''}):`,
    c.chronology ?? EMPTY,
    `5. Bukti:`,
    formatEvidence(c),
    c.evidence.length > 0 ? '(Lampirkan berkas bukti aslinya saat menyampaikan laporan.)' : '',
  ]
    .filter((l, i) => l !== '' || i === 2)
    .join('\n');
}

/** The message to Netra's admins about a new report. The identity appears only when the reporter consented. */
export function formatAdminNotice(r: StoredReport, identity: ReporterIdentity | undefined): string {
  return [
    `📥 Laporan baru ${r.ticket}`,
    `Kanal: ${channelLabel(r.channel)} · Rute disarankan: ${routeLabel(r.route)}`,
    r.deadline ? `Batas lapor Bawaslu (perkiraan): ${formatLongDate(r.deadline)}` : '',
    '',
    formatOfficialText(r, r.consentForward ? identity : undefined),
    '',
    r.anonymous
      ? 'Identitas pelapor: anonim.'
      : r.consentForward
        ? 'Identitas pelapor disertakan atas persetujuan pelapor.'
        : 'Identitas pelapor: tidak disertakan (pelapor tidak menyetujui).',
    `Ubah status: /ubahstatus ${r.ticket} <diterima|diverifikasi|diteruskan|selesai|ditolak> [catatan untuk pelapor]`,
  ]
    .filter((l, i) => !(i === 2 && l === ''))
    .join('\n');
}

/** `/laporan <tiket>` for admins: the report, its evidence files and its status history. */
export function formatAdminDetail(
  r: StoredReport,
  history: StatusHistoryEntry[],
  identity: ReporterIdentity | undefined,
  identityNote: string,
): string {
  const files = r.evidence.map(
    (e) => `• ${e.fileName} — ${e.originalName ?? describeKind(e.attachmentKind)}, ${e.mimeType}, ${formatBytes(e.size)}, sha256 ${e.sha256}`,
  );
  return [
    `📄 ${r.ticket} — ${STATUS_LABELS[r.status].label}`,
    `Masuk: ${formatTimestamp(r.createdAt)} · Kanal: ${channelLabel(r.channel)} · Rute: ${routeLabel(r.route)}`,
    `Jenis: ${r.kindLabel} · ${ELECTION_LABELS[r.election]}`,
    '',
    formatOfficialText(r, identity),
    '',
    identityNote,
    files.length > 0 ? `Berkas bukti:\n${files.join('\n')}` : 'Berkas bukti: tidak ada',
    '',
    'Riwayat status:',
    ...formatHistory(history),
  ].join('\n');
}

/** One line per status change, oldest first. */
export function formatHistory(history: StatusHistoryEntry[]): string[] {
  return history.map((h) => `• ${formatTimestamp(h.at)} — ${STATUS_LABELS[h.status].label}${h.note ? `: ${h.note}` : ''}`);
}
