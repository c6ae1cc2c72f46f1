import type { IsoDate } from '../knowledge/calendar-date.js';
import type { ReportStatus } from './report-status.js';

/**
 * Which election the incident belongs to. It decides the Bawaslu deadline (7 working days for
 * Pemilu, 7 days for Pilkada) and whether Bawaslu is a route at all.
 */
export const ELECTION_TYPES = ['pemilu', 'pilkada', 'tidak_yakin', 'bukan_pemilihan'] as const;
export type ElectionType = (typeof ELECTION_TYPES)[number];

export const ELECTION_LABELS: Record<ElectionType, string> = {
  pemilu: 'Pemilu (Presiden, DPR, DPD, DPRD)',
  pilkada: 'Pilkada (Gubernur, Bupati, Wali Kota)',
  tidak_yakin: 'Tidak yakin',
  bukan_pemilihan: 'Tidak terkait Pemilu/Pilkada',
};

/**
 * Who filed a report and where to tell them about it: the channel name and the chat there.
 * Reporting only stores and compares these; it knows nothing of what a channel is.
 */
export interface ReporterRef {
  channel: string;
  chatId: string;
}

/** The person reported. Every part is optional, but a report needs a name, a position or an agency. */
export interface ReportedParty {
  name?: string;
  position?: string;
  agency?: string;
  /** NIP (18 digits) or NIK (16 digits): BKN's SBT portal needs one of them. */
  idNumber?: string;
}

/** The reporter, stored apart from the report and encrypted when a key is configured. */
export interface ReporterIdentity {
  name?: string;
  address?: string;
  contact?: string;
}

/** An evidence file already written to the evidence directory. */
export interface EvidenceFile {
  /** Generated `<uuid>.<ext>`; the only name ever used as a path. */
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
  /** The sender's file name, kept only to show admins. */
  originalName?: string;
  /** What the reporter wrote with the file (a photo caption), kept as its description. */
  description?: string;
  attachmentKind: string;
  receivedAt: string;
}

/** Everything a reporter has answered so far; each field is filled by one step of the flow. */
export interface DraftFields {
  kindId?: string;
  kindLabel?: string;
  election?: ElectionType;
  /** Filled part by part (name, position, agency, NIP/NIK), each its own step. */
  reported?: ReportedParty;
  incidentDate?: IsoDate;
  /** When the reporter learned of it: Bawaslu's deadline counts from here ("sejak diketahui"). */
  knownDate?: IsoDate;
  place?: string;
  /** The accepted description of what happened. */
  chronology?: string;
  /** Messages received so far for the description, until the reporter says "selesai". */
  chronologyParts?: string[];
  /** What the user wrote before `/lapor` (offered as the chronology). */
  prefillDescription?: string;
  evidence: EvidenceFile[];
  links: string[];
  evidenceDone?: boolean;
  anonymous?: boolean;
  identity?: ReporterIdentity;
  /** Whether the identity may be forwarded to Netra's admins. */
  consent?: boolean;
  /** Optional steps already answered (a skipped step counts as answered). */
  answered?: string[];
}

/** A submitted report as stored (identity excluded: see {@link ReporterIdentity}). */
export interface StoredReport {
  id: number;
  ticket: string;
  election: ElectionType;
  kindId: string;
  kindLabel: string;
  reported: ReportedParty;
  incidentDate: IsoDate;
  knownDate?: IsoDate;
  place: string;
  chronology: string;
  channel: string;
  anonymous: boolean;
  consentForward: boolean;
  status: ReportStatus;
  route: string;
  deadline?: IsoDate;
  createdAt: string;
  updatedAt: string;
  evidence: EvidenceFile[];
  links: string[];
}

export interface StatusHistoryEntry {
  status: ReportStatus;
  note?: string;
  at: string;
}
