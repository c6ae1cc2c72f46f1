import type { AuditActor, AuditEntry } from '../storage/audit-log.js';
import type { StoredDraft } from './draft-repository.js';
import type { DraftState } from './report-flow.js';
import type { StatusHistoryEntry, StoredReport } from './report-model.js';
import type { IdentityLookup, NewReport } from './report-repository.js';
import type { RouteDecision } from './report-routing.js';
import type { ReportStatus } from './report-status.js';

/**
 * Submitted reports, as every storage engine offers them (SQLite embedded, PostgreSQL shared).
 * Chat ids and identities are sealed with the FieldSealer the store was built with; lookups use a
 * keyed hash of the chat. Failures of the storage itself reject with StorageUnavailableError.
 */
export interface ReportStore {
  /**
   * Stores a report, its evidence, identity and first status (`diterima`) in one transaction and
   * returns it with its new ticket. With `deleteDraftOf`, that chat's draft is deleted in the same
   * transaction: the report exists and the draft is gone, or neither.
   */
  create(input: NewReport, now: Date, options?: { deleteDraftOf?: { channel: string; chatId: string } }): Promise<StoredReport>;
  /** Any report by its (normalised) ticket — for admins only. */
  findByTicket(ticket: string): Promise<StoredReport | undefined>;
  /**
   * The report stored by the confirmation whose keyed hash (channel, chat, delivery id) is
   * `submission`: a confirmation delivered again finds what it stored the first time.
   */
  findBySubmission(submission: string): Promise<StoredReport | undefined>;
  /** The report only if it was filed from this channel and chat; otherwise undefined, as for an unknown ticket. */
  findForReporter(ticket: string, channel: string, chatId: string): Promise<StoredReport | undefined>;
  /** The reports filed from this channel and chat, newest first. */
  listForReporter(channel: string, chatId: string, limit?: number): Promise<StoredReport[]>;
  /** Newest first, optionally only one status and/or from an instant on. */
  list(options?: { status?: ReportStatus; since?: string; limit?: number }): Promise<StoredReport[]>;
  /** Counts per status (all statuses present, zero when none). */
  countByStatus(): Promise<Record<ReportStatus, number>>;
  /** Status changes, oldest first. */
  history(reportId: number): Promise<StatusHistoryEntry[]>;
  /** Sets a new status, with history and audit entries, atomically. */
  changeStatus(reportId: number, status: ReportStatus, note: string | undefined, now: Date, actor: AuditActor): Promise<void>;
  /** The reporter's identity (decrypted when the key allows); showing it is written to the audit trail. */
  identity(
    report: Pick<StoredReport, 'id' | 'ticket'>,
    viewer: AuditActor,
    options?: { now?: Date; action?: 'identity_viewed' | 'identity_exported' },
  ): Promise<IdentityLookup>;
  /** The audit trail of one report, newest first. */
  auditTrail(ticket: string): Promise<AuditEntry[]>;
  /** The chat to notify about this report; undefined when it cannot be decrypted with the current key. */
  reporterChatId(report: Pick<StoredReport, 'id' | 'ticket'>): Promise<string | undefined>;
  /** The stored routing decision. */
  routeDetail(report: Pick<StoredReport, 'id'>): Promise<RouteDecision | undefined>;
}

/** Unfinished reports, one per channel+chat, found by a keyed hash of the chat, their state sealed. */
export interface DraftStore {
  /** The last time the draft was saved, or undefined when there is none (cheap: does not decrypt). */
  updatedAt(channel: string, chatId: string): Promise<string | undefined>;
  /** Loads the draft; rejects with UnreadableDraftError when it exists but cannot be read. */
  get(channel: string, chatId: string): Promise<StoredDraft | undefined>;
  /** Creates or replaces the chat's draft. */
  save(channel: string, chatId: string, state: DraftState, now: Date): Promise<void>;
  /** Removes the draft row only; evidence files are the caller's to delete. */
  delete(channel: string, chatId: string): Promise<void>;
  /** Deletes every draft not saved since `cutoff`; returns how many and the evidence files they named. */
  deleteStale(cutoff: Date): Promise<{ count: number; files: string[] }>;
  /** Evidence files drafts still refer to; `complete` is false when a draft could not be read. */
  referencedEvidence(): Promise<{ files: Set<string>; complete: boolean }>;
}

/** Both reporting stores of one engine. */
export interface ReportingStores {
  reports: ReportStore;
  drafts: DraftStore;
}
