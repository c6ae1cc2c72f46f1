import os from 'node:os';
import { normaliseSince } from '../storage/question-log.js';
import type { ReporterIdentity, StatusHistoryEntry } from './report-model.js';
import type { ReportStore } from './report-store.js';

/** One report as exported for admins (never the reporter's chat id or phone number). */
export interface ExportedReport {
  ticket: string;
  createdAt: string;
  status: string;
  election: string;
  kind: string;
  reported: { name?: string; position?: string; agency?: string; idNumber?: string };
  incidentDate: string;
  /** When the reporter learned of it (Bawaslu's deadline counts from here). */
  knownDate?: string;
  place: string;
  chronology: string;
  channel: string;
  route: string;
  bawasluDeadline?: string;
  anonymous: boolean;
  consentForward: boolean;
  /**
   * `anonim`: none given; `tidak_disimpan`: given but not consented, so never stored;
   * `tersedia`: included below; `terkunci`: stored encrypted and no matching key is configured.
   */
  identityState: 'anonim' | 'tidak_disimpan' | 'tersedia' | 'terkunci';
  identity?: ReporterIdentity;
  evidence: { fileName: string; mimeType: string; size: number; sha256: string; originalName?: string; description?: string }[];
  links: string[];
  history: StatusHistoryEntry[];
}

export interface ExportOptions {
  /** `YYYY-MM-DD` (start of that day in WIB). */
  since?: string;
  /** `REPORTS_ENCRYPTION_KEY`; without it encrypted identities stay locked. */
  encryptionKey?: string;
  /** Who exports, for the audit trail (default `cli:<os user>`). */
  actor?: string;
}

/**
 * Reads reports (oldest first) for export from either engine; identities are decrypted only when
 * the store's sealer has the key (see ExportOptions.encryptionKey), each export written to the audit trail.
 */
export async function collectReports(repo: ReportStore, options: Omit<ExportOptions, 'encryptionKey'> = {}): Promise<ExportedReport[]> {
  const reports = (await repo.list({ since: normaliseSince(options.since) })).reverse();
  const out: ExportedReport[] = [];
  for (const r of reports) {
    const lookup = await repo.identity(r, options.actor ?? `cli:${os.userInfo().username}`, { action: 'identity_exported' });
    const history = await repo.history(r.id);
    out.push({
      ticket: r.ticket,
      createdAt: r.createdAt,
      status: r.status,
      election: r.election,
      kind: r.kindLabel,
      reported: r.reported,
      incidentDate: r.incidentDate,
      knownDate: r.knownDate,
      place: r.place,
      chronology: r.chronology,
      channel: r.channel,
      route: r.route,
      bawasluDeadline: r.deadline,
      anonymous: r.anonymous,
      consentForward: r.consentForward,
      identityState:
        lookup.state === 'available'
          ? 'tersedia'
          : lookup.state === 'locked'
            ? 'terkunci'
            : r.anonymous
              ? 'anonim'
              : 'tidak_disimpan',
      identity: lookup.state === 'available' ? lookup.identity : undefined,
      evidence: r.evidence.map((e) => ({
        fileName: e.fileName,
        mimeType: e.mimeType,
        size: e.size,
        sha256: e.sha256,
        originalName: e.originalName,
        description: e.description,
      })),
      links: r.links,
      history,
    });
  }
  return out;
}

export function toJson(reports: ExportedReport[]): string {
  return `${JSON.stringify(reports, null, 2)}\n`;
}

export const CSV_COLUMNS = [
  'ticket',
  'created_at',
  'status',
  'election',
  'kind',
  'reported_name',
  'reported_position',
  'reported_agency',
  'reported_id_number',
  'incident_date',
  'known_date',
  'place',
  'chronology',
  'channel',
  'route',
  'bawaslu_deadline',
  'anonymous',
  'consent_forward',
  'identity_state',
  'reporter_name',
  'reporter_address',
  'reporter_contact',
  'evidence_files',
  'links',
  'status_history',
] as const;

/** RFC 4180 CSV (CRLF line ends, quotes doubled), one row per report. */
export function toCsv(reports: ExportedReport[]): string {
  const rows = reports.map((r) => [
    r.ticket,
    r.createdAt,
    r.status,
    r.election,
    r.kind,
    r.reported.name,
    r.reported.position,
    r.reported.agency,
    r.reported.idNumber,
    r.incidentDate,
    r.knownDate,
    r.place,
    r.chronology,
    r.channel,
    r.route,
    r.bawasluDeadline,
    r.anonymous ? 'ya' : 'tidak',
    r.consentForward ? 'ya' : 'tidak',
    r.identityState,
    r.identity?.name,
    r.identity?.address,
    r.identity?.contact,
    r.evidence.map((e) => `${e.fileName} (${e.mimeType}, ${e.size} B, sha256 ${e.sha256})${e.description ? ` — ${e.description}` : ''}`).join('\n'),
    r.links.join('\n'),
    r.history.map((h) => `${h.at} ${h.status}${h.note ? `: ${h.note}` : ''}`).join('\n'),
  ]);
  return [CSV_COLUMNS as readonly string[], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * One CSV cell. Reporter-written text is untrusted: a cell starting with = + - @ (or a tab/CR)
 * would run as a formula when an admin opens the file in a spreadsheet, so it gets a leading '.
 */
export function csvCell(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
