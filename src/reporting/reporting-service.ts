import { formatShortDate, formatTimestamp, jakartaDate, type IsoDate } from '../knowledge/calendar-date.js';
import type { ElectionCalendar } from '../knowledge/schemas.js';
import { hashUserId, type Logger } from '../logging/logger.js';
import type { AuditActor } from '../storage/audit-log.js';
import type { NetraDatabase } from '../storage/database.js';
import { createFieldSealer, type FieldSealer } from '../storage/field-crypto.js';
import { toStorageError } from '../storage/storage-errors.js';
import { StorageWriter } from '../storage/storage-writer.js';
import { type StoredDraft, UnreadableDraftError } from './draft-repository.js';
import { electionContextOn } from './election-context.js';
import type { EvidenceBlobs } from './evidence-blobs.js';
import { EvidenceStore, type EvidenceInput, type EvidenceSaveResult } from './evidence-store.js';
import { type AppliedDelivery, firstIncompleteStep, newDraft, type DraftState, type FlowContext, type StepId } from './report-flow.js';
import { routeLabel } from './report-labels.js';
import type { ReporterIdentity, ReporterRef, StoredReport } from './report-model.js';
import type { DraftStore, ReportingStores, ReportStore } from './report-store.js';
import { decideRoute, describeRoute, type RouteDecision } from './report-routing.js';
import { checkTransition, REPORT_STATUSES, STATUS_LABELS, type ReportStatus } from './report-status.js';
import { formatAdminDetail, formatAdminNotice, formatHistory, formatOfficialText } from './report-summary.js';
import { sqliteReportingStores } from './sqlite-report-store.js';
import { normalizeTicket } from './ticket-code.js';

/**
 * How reporting reaches people outside the reporter's own chat. The app implements it over the
 * running channels; reporting never knows which channels exist.
 */
export interface ReportNotifications {
  /** Sends `text` to every configured admin chat: how many there are, and how many received it. */
  toAdmins(text: string): Promise<{ targets: number; delivered: number }>;
  /** Sends `text` to the chat that filed a report; false when that channel is not running. */
  toReporter(ref: ReporterRef, text: string): Promise<boolean>;
}

export interface ReportingServiceDeps {
  /**
   * Where reports and drafts are stored (see netra-storage.ts: SQLite or PostgreSQL). Without it,
   * the SQLite repositories over `db` are used.
   */
  stores?: ReportingStores;
  /** The SQLite database, when `stores` is not given. */
  db?: NetraDatabase;
  /** Where evidence files are written (`<uuid>.<ext>`): a directory or an S3-compatible bucket. */
  evidence: EvidenceBlobs;
  /** `REPORTS_ENCRYPTION_KEY`; without it identities and chat ids are stored as plaintext. */
  encryptionKey?: string;
  maxEvidenceBytes: number;
  notifications: ReportNotifications;
  /** Kinds of violation offered as choices; "Lainnya (tulis sendiri)" is always added. */
  kinds: { id: string; label: string }[];
  /** The election calendar (from the loaded knowledge); a function so a re-index is seen. */
  calendar: () => ElectionCalendar;
  /** "Today" in Asia/Jakarta; the app passes the one clock the answers use (NETRA_TODAY in demos). */
  today?: () => IsoDate;
  now?: () => Date;
  logger?: Logger;
  /**
   * The app's one writer (waits asynchronously for a lock held by another process; storage
   * failures throw StorageUnavailableError). Default: a writer of its own.
   */
  writer?: StorageWriter;
}

/** Unfinished reports are deleted after this long without an answer, so half-told identities do not linger. */
export const DRAFT_TTL_MS = 7 * 24 * 3600_000;

const ADMIN_LIST_LIMIT = 20;

/** What is known about a chat's unfinished report. */
export type DraftLookup =
  | { kind: 'draft'; state: DraftState }
  | { kind: 'none' }
  /** It was older than {@link DRAFT_TTL_MS} and has just been deleted with its files. */
  | { kind: 'expired' }
  /** It could not be read back (another key, a damaged row) and has just been deleted. */
  | { kind: 'unreadable' };

export type SubmitResult =
  | { kind: 'incomplete'; step: StepId; state: DraftState }
  | { kind: 'stored'; ticket: string; adminsNotified: number; messages: string[] };

export type StatusChangeResult = { ok: true; message: string } | { ok: false; message: string };

/**
 * Reporting as a domain: drafts (saved after every step, so a restart resumes where the reporter
 * was), evidence files, submission with a ticket and a routing advice, status for the reporter and
 * for admins, and the sweep that deletes abandoned drafts. It speaks in reporter references and
 * texts, never in chat messages. Nothing a reporter writes, and no chat id, is passed to the logger.
 */
export class ReportingService {
  private readonly sealer: FieldSealer;
  private readonly drafts: DraftStore;
  private readonly reports: ReportStore;
  private readonly evidence: EvidenceStore;
  private readonly now: () => Date;
  private readonly today: () => IsoDate;

  constructor(private readonly deps: ReportingServiceDeps) {
    this.sealer = createFieldSealer(deps.encryptionKey);
    let stores = deps.stores;
    if (!stores) {
      if (!deps.db) throw new Error('ReportingService membutuhkan stores atau db.');
      stores = sqliteReportingStores(deps.db, this.sealer, deps.writer ?? new StorageWriter(deps.db, { lockWaitMs: 5000 }));
    }
    this.drafts = stores.drafts;
    this.reports = stores.reports;
    this.evidence = new EvidenceStore(deps.evidence, deps.maxEvidenceBytes);
    this.now = deps.now ?? (() => new Date());
    this.today = deps.today ?? (() => jakartaDate(this.now()));
  }

  /** Whether identities are encrypted at rest. */
  get encrypted(): boolean {
    return this.sealer.encrypted;
  }

  /** The largest evidence file accepted, in bytes. */
  get maxEvidenceBytes(): number {
    return this.deps.maxEvidenceBytes;
  }

  /** What the flow needs: kinds, today's date, the calendar. */
  flowContext(): FlowContext {
    const calendar = this.deps.calendar();
    return {
      kinds: this.deps.kinds,
      today: this.today(),
      encrypted: this.sealer.encrypted,
      maxEvidenceBytes: this.deps.maxEvidenceBytes,
      electionOn: (date) => electionContextOn(calendar, date),
    };
  }

  /** True while this chat has an unfinished report (cheap: does not decrypt). An expired one is deleted. */
  async hasDraft(ref: ReporterRef): Promise<boolean> {
    const updatedAt = await this.drafts.updatedAt(ref.channel, ref.chatId);
    if (updatedAt === undefined) return false;
    if (this.isExpired(updatedAt)) {
      // Deleted in the background: the answer does not wait for it.
      this.discardDraft(ref).catch((err: unknown) =>
        this.deps.logger?.warn({ event: 'report_draft_discard_failed', err: (err as Error).message }, 'expired draft not deleted'),
      );
      return false;
    }
    return true;
  }

  /** The chat's unfinished report; expired and unreadable drafts are deleted on the way. */
  async loadDraft(ref: ReporterRef): Promise<DraftLookup> {
    let stored: StoredDraft | undefined;
    try {
      stored = await this.drafts.get(ref.channel, ref.chatId);
    } catch (err) {
      if (!(err instanceof UnreadableDraftError)) throw err;
      await this.discardDraft(ref);
      this.deps.logger?.warn({ event: 'report_draft_unreadable', chat: hashUserId(ref.channel, ref.chatId) }, 'draft discarded');
      return { kind: 'unreadable' };
    }
    if (!stored) return { kind: 'none' };
    if (this.isExpired(stored.updatedAt)) {
      await this.discardDraft(ref, stored.state);
      return { kind: 'expired' };
    }
    return { kind: 'draft', state: stored.state };
  }

  /** Starts a new draft (replacing none: the caller checks {@link loadDraft} first). */
  async startDraft(ref: ReporterRef, prefill?: { description?: string }, applied?: AppliedDelivery): Promise<DraftState> {
    const state: DraftState = { ...newDraft(prefill), ...(applied ? { applied } : {}) };
    await this.drafts.save(ref.channel, ref.chatId, state, this.now());
    this.log('report_started', ref);
    return state;
  }

  /** Saves the draft after an accepted step. */
  async saveDraft(ref: ReporterRef, state: DraftState): Promise<void> {
    await this.drafts.save(ref.channel, ref.chatId, state, this.now());
  }

  /** Deletes a draft and the evidence files it had already stored. */
  async discardDraft(ref: ReporterRef, state?: DraftState): Promise<void> {
    let files = state?.fields.evidence;
    if (!files) {
      try {
        files = (await this.drafts.get(ref.channel, ref.chatId))?.state.fields.evidence;
      } catch {
        files = undefined; // Unreadable: the row goes; its files (if any) cannot be identified.
      }
    }
    // The row first: a file whose draft is gone is an orphan the sweep removes.
    await this.drafts.delete(ref.channel, ref.chatId);
    await this.removeFiles((files ?? []).map((f) => f.fileName));
  }

  /** `/batal` confirmed. */
  async cancelDraft(ref: ReporterRef, state: DraftState): Promise<void> {
    await this.discardDraft(ref, state);
    this.log('report_cancelled', ref);
  }

  /**
   * Stores one evidence file (already downloaded); the caller adds it to the draft. Rejects with
   * StorageUnavailableError when the store cannot take it (the draft is left as it was).
   */
  storeEvidence(input: EvidenceInput): Promise<EvidenceSaveResult> {
    return this.evidence.save(input, this.now());
  }

  /** The bytes of a stored evidence file (exports); EvidenceMissingError when the store lacks it. */
  readEvidence(fileName: string): Promise<Buffer> {
    return this.evidence.read(fileName);
  }

  /** Removes a stored file that could not be added to a draft after all. */
  async removeEvidence(fileName: string): Promise<void> {
    await this.removeFiles([fileName]);
  }

  /**
   * Removes files whose draft is already gone. A store that fails now (S3 unreachable) does not
   * undo the deletion the reporter asked for: the files are orphans, removed by the next sweep.
   */
  private async removeFiles(fileNames: string[]): Promise<void> {
    for (const name of fileNames) {
      try {
        await this.evidence.remove(name);
      } catch (err) {
        const e = toStorageError(err);
        if (!e) throw err;
        this.deps.logger?.warn({ event: 'evidence_remove_failed', problem: e.problem, code: e.code }, 'evidence file not removed; the orphan sweep removes it later');
      }
    }
  }

  /**
   * Removes evidence no report or draft refers to and older than ORPHAN_GRACE_MS (a crash, a full
   * disk, a delete that failed). `referenced` holds every stored report's file names.
   */
  async sweepOrphanEvidence(referenced: ReadonlySet<string>): Promise<number> {
    const inDrafts = await this.drafts.referencedEvidence();
    const all = new Set([...referenced, ...inDrafts.files]);
    return this.evidence.removeOrphans(all, { complete: inDrafts.complete, minAgeMs: DRAFT_TTL_MS, now: this.now() });
  }

  /**
   * Deletes every draft left untouched for {@link DRAFT_TTL_MS}, with its evidence files and the
   * identity inside it, whether or not its chat ever writes again. Returns how many went.
   */
  async sweepExpiredDrafts(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - DRAFT_TTL_MS);
    const { count: removed, files } = await this.drafts.deleteStale(cutoff);
    await this.removeFiles(files);
    if (removed > 0) this.deps.logger?.info({ event: 'report_drafts_expired', count: removed }, 'expired report drafts deleted');
    return removed;
  }

  /**
   * Stores a confirmed report in one transaction (the draft goes with it), decides its route,
   * tells the admins, and returns what the reporter is told: the ticket, the route with its
   * reasons, and a ready-to-paste summary.
   */
  async submit(ref: ReporterRef, state: DraftState, delivery?: string): Promise<SubmitResult> {
    const f = state.fields;
    const ctx = this.flowContext();
    const missing = firstIncompleteStep(f, ctx);
    if (missing || !f.kindId || !f.kindLabel || !f.election || !f.reported || !f.incidentDate || !f.place || !f.chronology) {
      // Should not happen through the flow; never store a half report.
      const back: DraftState = { ...state, step: missing ?? 'kind', editing: true, history: [...state.history, state.step] };
      await this.saveDraft(ref, back);
      return { kind: 'incomplete', step: back.step, state: back };
    }
    const now = this.now();
    const identity = f.anonymous ? undefined : f.identity;
    const route = decideRoute({
      election: f.election,
      kindId: f.kindId,
      incidentDate: f.incidentDate,
      knownDate: f.knownDate,
      reported: f.reported,
      identity,
      today: ctx.today,
      stage: ctx.electionOn(f.incidentDate),
    });
    const consent = !f.anonymous && f.consent === true;
    // One write transaction: the report exists and the draft is gone, or neither.
    const report: StoredReport = await this.reports.create(
        {
          election: f.election!,
          kindId: f.kindId!,
          kindLabel: f.kindLabel!,
          reported: f.reported!,
          incidentDate: f.incidentDate!,
          knownDate: f.knownDate,
          place: f.place!,
          chronology: f.chronology!,
          evidence: f.evidence,
          links: f.links,
          channel: ref.channel,
          chatId: ref.chatId,
          anonymous: f.anonymous === true,
          consentForward: consent,
          // Without consent the identity is not kept at all: it only appears in the reporter's own summary below.
          identity: consent ? identity : undefined,
          route,
          ...(delivery === undefined ? {} : { submission: submissionHash(ref, delivery) }),
        },
      now,
      { deleteDraftOf: ref },
    );
    this.log('report_submitted', ref, { ticket: report.ticket, route: route.primary, rule: route.rule.id });

    const notice = await this.deps.notifications.toAdmins(formatAdminNotice(report, consent ? identity : undefined));
    const adminsNotified = notice.delivered;
    // Only a configured admin chat that could not be reached is worth a warning.
    if (notice.targets > 0 && adminsNotified === 0) this.deps.logger?.warn({ event: 'report_admin_undelivered', ticket: report.ticket }, 'admin not notified');

    return { kind: 'stored', ticket: report.ticket, adminsNotified, messages: submittedMessages(report, route, identity, adminsNotified > 0) };
  }

  /**
   * The confirmation of a report that the delivered message `delivery` of this chat already
   * stored (its worker died before recording the reply, and the platform delivered it again):
   * the same ticket, route and summary, without storing or notifying anything a second time.
   * The summary carries the identity only when it was stored (the reporter's consent), else the
   * placeholder the reporter fills in. Undefined when that message stored no report.
   */
  async alreadySubmitted(ref: ReporterRef, delivery: string): Promise<Extract<SubmitResult, { kind: 'stored' }> | undefined> {
    const report = await this.reports.findBySubmission(submissionHash(ref, delivery));
    if (!report || report.channel !== ref.channel) return undefined;
    const route = await this.reports.routeDetail(report);
    if (!route) return undefined;
    const stored = await this.reports.identity(report, 'system:resubmission').catch(() => ({ state: 'none' as const }));
    const identity = stored.state === 'available' ? stored.identity : undefined;
    this.log('report_confirmation_repeated', ref, { ticket: report.ticket });
    return { kind: 'stored', ticket: report.ticket, adminsNotified: 0, messages: submittedMessages(report, route, identity, false) };
  }

  /**
   * `/status <tiket>`: status and history, only to the channel+chat that filed the report. Anyone
   * else gets exactly the reply for a ticket that does not exist, so tickets cannot be probed.
   */
  async reporterStatus(ref: ReporterRef, ticket: string): Promise<string> {
    const normalized = normalizeTicket(ticket);
    if (!normalized) {
      return 'Itu bukan nomor tiket Netra. Nomor tiket berbentuk NTR-XXXX-XXXX (mis. NTR-7K3Q-92FD) dan ada di pesan saat laporan dikirim. Ketik /status saja untuk melihat laporan yang dikirim dari chat ini.';
    }
    const notFound = `Laporan dengan tiket ${normalized} tidak ditemukan. Periksa kembali nomornya; status hanya dapat dilihat dari chat yang dipakai untuk mengirim laporan.`;
    const report = await this.reports.findForReporter(normalized, ref.channel, ref.chatId);
    if (!report) return notFound;
    const s = STATUS_LABELS[report.status];
    return [
      `📄 Laporan ${report.ticket}`,
      `Status: ${s.label} — ${s.meaning}.`,
      `Jenis: ${report.kindLabel}`,
      `Dikirim: ${formatTimestamp(report.createdAt)}`,
      '',
      'Riwayat:',
      ...formatHistory(await this.reports.history(report.id)),
    ].join('\n');
  }

  /** `/status` without a ticket: the reports this chat filed, newest first. */
  async reporterTickets(ref: ReporterRef): Promise<string> {
    const rows = await this.reports.listForReporter(ref.channel, ref.chatId);
    if (rows.length === 0) {
      return 'Belum ada laporan yang dikirim dari chat ini. Ketik /lapor untuk membuat laporan, atau /status <tiket> bila Anda melapor dari chat lain.';
    }
    return [
      'Laporan yang Anda kirim dari chat ini:',
      ...rows.map((r) => `• ${r.ticket} · ${formatShortDate(jakartaDate(new Date(r.createdAt)))} · ${STATUS_LABELS[r.status].label} · ${r.kindLabel}`),
      '',
      'Rincian dan riwayat: /status <tiket>',
    ].join('\n');
  }

  /** `/laporan [status]` for admins: the latest reports, with counts per status. */
  async adminList(status?: ReportStatus): Promise<string> {
    const [rows, counts] = await Promise.all([this.reports.list({ status, limit: ADMIN_LIST_LIMIT }), this.reports.countByStatus()]);
    const header = `Laporan ${status ? `berstatus ${STATUS_LABELS[status].label}` : 'terbaru'} (maks. ${ADMIN_LIST_LIMIT}):`;
    const summary = REPORT_STATUSES.map((s) => `${STATUS_LABELS[s].label} ${counts[s]}`).join(' · ');
    if (rows.length === 0) return `${header}\nBelum ada laporan.\n\nJumlah: ${summary}`;
    const lines = rows.map(
      (r) =>
        `• ${r.ticket} · ${formatShortDate(jakartaDate(new Date(r.createdAt)))} · ${STATUS_LABELS[r.status].label} · ${r.kindLabel} · ${routeLabel(r.route)}`,
    );
    return `${header}\n${lines.join('\n')}\n\nJumlah: ${summary}\nDetail: /laporan <tiket>`;
  }

  /**
   * `/laporan <tiket>` for admins: everything, the identity only when the reporter consented.
   * Showing the identity is recorded in the audit trail under `viewer`.
   */
  async adminDetail(ticket: string, viewer: AuditActor): Promise<string> {
    const report = await this.reports.findByTicket(ticket);
    if (!report) return `Tiket ${ticket} tidak ditemukan.`;
    const lookup = await this.reports.identity(report, viewer, { now: this.now() });
    const identity = lookup.state === 'available' ? lookup.identity : undefined;
    const identityNote =
      lookup.state === 'available'
        ? `Identitas pelapor disertakan atas persetujuan pelapor${lookup.encrypted ? ' (tersimpan terenkripsi)' : ' (tersimpan TANPA enkripsi)'}.`
        : lookup.state === 'locked'
          ? 'Identitas pelapor tersimpan terenkripsi, tetapi tidak dapat dibuka dengan REPORTS_ENCRYPTION_KEY saat ini.'
          : report.anonymous
            ? 'Identitas pelapor: anonim.'
            : 'Identitas pelapor: tidak disimpan (pelapor tidak menyetujui diteruskan).';
    return formatAdminDetail(report, await this.reports.history(report.id), identity, identityNote);
  }

  /**
   * Changes a report's status, stores the note and tells the reporter on the channel they used.
   * A move backwards needs a note (see {@link checkTransition}); the change goes to the audit trail.
   */
  async changeStatus(ticket: string, status: ReportStatus, note: string | undefined, actor: AuditActor): Promise<StatusChangeResult> {
    const report = await this.reports.findByTicket(ticket);
    if (!report) return { ok: false, message: `Tiket ${ticket} tidak ditemukan.` };
    const check = checkTransition(report.status, status, note);
    if (!check.ok) return { ok: false, message: check.message };
    await this.reports.changeStatus(report.id, status, note, this.now(), actor);
    this.deps.logger?.info({ event: 'report_status_changed', ticket, status, backwards: check.backwards }, 'report status changed');

    const chatId = await this.reports.reporterChatId(report);
    const s = STATUS_LABELS[status];
    const notice = [
      `📄 Status laporan Anda ${ticket} kini: ${s.label} — ${s.meaning}.`,
      note ? `Catatan admin: ${note}` : '',
      `Ketik /status ${ticket} untuk melihat riwayatnya.`,
    ]
      .filter(Boolean)
      .join('\n');
    const delivered = chatId ? await this.deps.notifications.toReporter({ channel: report.channel, chatId }, notice) : false;
    if (!delivered) this.deps.logger?.warn({ event: 'report_status_undelivered', ticket, channel: report.channel }, 'reporter not notified');
    return {
      ok: true,
      message: [
        `Status ${ticket} diubah: ${STATUS_LABELS[report.status].label} → ${s.label}${note ? ` (catatan: ${note})` : ''}.`,
        delivered
          ? 'Pelapor sudah diberi tahu.'
          : 'Pelapor belum dapat diberi tahu (kanalnya tidak aktif atau pengiriman gagal); pelapor tetap dapat melihatnya dengan /status.',
      ].join('\n'),
    };
  }

  private isExpired(updatedAt: string): boolean {
    return this.now().getTime() - new Date(updatedAt).getTime() > DRAFT_TTL_MS;
  }

  private log(event: string, ref: ReporterRef, extra: Record<string, string> = {}): void {
    this.deps.logger?.info({ event, channel: ref.channel, chat: hashUserId(ref.channel, ref.chatId), ...extra }, event);
  }
}

/** What the reporter is told once a report is stored: the ticket, the route with its reasons, a ready-to-paste summary. */
function submittedMessages(report: StoredReport, route: RouteDecision, identity: ReporterIdentity | undefined, adminsNotified: boolean): string[] {
  return [
    [
      `✅ Laporan Anda tersimpan dengan nomor tiket ${report.ticket}.`,
      `Simpan nomor ini. Cek perkembangannya kapan saja dengan /status ${report.ticket} dari chat ini.`,
      adminsNotified ? 'Admin Netra sudah diberi tahu.' : 'Admin Netra akan memeriksanya.',
    ].join('\n'),
    describeRoute(route),
    `Ringkasan siap tempel untuk kanal resmi:\n\n${formatOfficialText(report, identity, report.ticket)}`,
  ];
}

/** The keyed hash a confirmed report is found by when its confirmation is delivered again: never the chat id. */
function submissionHash(ref: ReporterRef, delivery: string): string {
  return hashUserId('submission', `${ref.channel}:${ref.chatId}:${delivery}`);
}
