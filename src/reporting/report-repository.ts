import { z } from 'zod';
import { type AuditActor, AuditLog } from '../storage/audit-log.js';
import type { NetraDatabase } from '../storage/database.js';
import { SealError, type FieldSealer } from '../storage/field-crypto.js';
import { StorageWriter } from '../storage/storage-writer.js';
import type {
  ElectionType,
  ReporterIdentity,
  StatusHistoryEntry,
  StoredReport,
} from './report-model.js';
import type { RouteDecision } from './report-routing.js';
import type { ReportStatus } from './report-status.js';
import { generateTicket } from './ticket-code.js';

/** Everything needed to store a confirmed report: the stored fields the database does not assign itself. */
export type NewReport = Omit<StoredReport, 'id' | 'ticket' | 'status' | 'route' | 'deadline' | 'createdAt' | 'updatedAt'> & {
  chatId: string;
  /** Stored only when given; the service passes it only with the reporter's consent. */
  identity?: ReporterIdentity;
  route: RouteDecision;
  /** Keyed hash of the delivered message that confirmed it (see {@link ReportStore.findBySubmission}). */
  submission?: string;
};

/** What is known about a report's reporter identity. */
export type IdentityLookup =
  | { state: 'none' }
  | { state: 'available'; identity: ReporterIdentity; encrypted: boolean }
  /** Stored encrypted, but no (or another) key is configured. */
  | { state: 'locked' };

/** A `reports` row as both engines return it. */
export interface ReportRow {
  id: number;
  ticket: string;
  election: ElectionType;
  kind_id: string;
  kind_label: string;
  reported_name: string | null;
  reported_position: string | null;
  reported_agency: string | null;
  reported_id_number: string | null;
  incident_date: string;
  known_date: string | null;
  place: string;
  chronology: string;
  channel: string;
  reporter_chat_id: string;
  reporter_chat_hash: string;
  anonymous: number;
  consent_forward: number;
  status: ReportStatus;
  route: string;
  route_detail: string;
  deadline: string | null;
  created_at: string;
  updated_at: string;
}

/** An `evidence` row as both engines return it. */
export interface EvidenceRow {
  report_id: number;
  kind: 'file' | 'link';
  file_name: string | null;
  mime_type: string | null;
  size_bytes: number | null;
  sha256: string | null;
  original_name: string | null;
  attachment_kind: string | null;
  description: string | null;
  url: string | null;
  created_at: string;
}

/** The reporter identity as stored (JSON, possibly sealed), checked when read back. */
export const IdentitySchema = z.object({ name: z.string().optional(), address: z.string().optional(), contact: z.string().optional() }).passthrough();
/** The routing decision as stored; its details belong to report-routing.ts. */
export const RouteDetailSchema = z.object({ primary: z.string() }).passthrough();

/**
 * Submitted reports with their evidence, status history and (separately stored) reporter identity.
 * The chat id the reporter used is sealed like the identity; lookups use a keyed hash of it (under
 * the id secret, so a new REPORTS_ENCRYPTION_KEY does not break `/status`). Viewing an identity
 * and changing a status are written to the audit trail. Writes go through a {@link StorageWriter}.
 */
export class ReportRepository {
  private readonly writer: StorageWriter;
  private readonly audit: AuditLog;

  constructor(
    private readonly db: NetraDatabase,
    private readonly sealer: FieldSealer,
    writer?: StorageWriter,
  ) {
    this.writer = writer ?? new StorageWriter(db, { lockWaitMs: 5000 });
    this.audit = new AuditLog(db);
  }

  /** Stores a report, its evidence, identity and first status (`diterima`) in one transaction and returns it with its new ticket. */
  create(input: NewReport, now: Date): Promise<StoredReport> {
    return this.writer.write(() => this.createWithin(input, now));
  }

  /** {@link create} inside a transaction the caller holds (StorageWriter.write), e.g. to delete the draft atomically. */
  createWithin(input: NewReport, now: Date): StoredReport {
    const at = now.toISOString();
    return this.db.transaction((): StoredReport => {
      const ticket = this.uniqueTicket();
      const info = this.db
        .prepare(
          `INSERT INTO reports (ticket, election, kind_id, kind_label, reported_name, reported_position, reported_agency,
             reported_id_number, incident_date, known_date, place, chronology, channel, reporter_chat_id, reporter_chat_hash,
             anonymous, consent_forward, status, route, route_detail, deadline, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'diterima', ?, ?, ?, ?, ?)`,
        )
        .run(
          ticket,
          input.election,
          input.kindId,
          input.kindLabel,
          input.reported.name ?? null,
          input.reported.position ?? null,
          input.reported.agency ?? null,
          input.reported.idNumber ?? null,
          input.incidentDate,
          input.knownDate ?? null,
          input.place,
          input.chronology,
          input.channel,
          this.sealer.seal(input.chatId, `chat:${ticket}`),
          this.chatHash(input.channel, input.chatId),
          input.anonymous ? 1 : 0,
          input.consentForward ? 1 : 0,
          input.route.primary,
          JSON.stringify(input.route),
          input.route.deadline?.due ?? null,
          at,
          at,
        );
      const reportId = Number(info.lastInsertRowid);
      if (input.submission) this.db.prepare('UPDATE reports SET submission_hash = ? WHERE id = ?').run(input.submission, reportId);
      const addEvidence = this.db.prepare(
        `INSERT INTO evidence (report_id, kind, file_name, mime_type, size_bytes, sha256, original_name, attachment_kind, description, url, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const e of input.evidence) {
        addEvidence.run(reportId, 'file', e.fileName, e.mimeType, e.size, e.sha256, e.originalName ?? null, e.attachmentKind, e.description ?? null, null, e.receivedAt);
      }
      for (const url of input.links) addEvidence.run(reportId, 'link', null, null, null, null, null, null, null, url, at);
      if (input.identity) {
        this.db
          .prepare('INSERT INTO reporter_identities (report_id, payload, encrypted, created_at) VALUES (?, ?, ?, ?)')
          .run(reportId, this.sealer.seal(JSON.stringify(input.identity), `identity:${ticket}`), this.sealer.encrypted ? 1 : 0, at);
      }
      this.db
        .prepare(`INSERT INTO report_status_history (report_id, status, note, at) VALUES (?, 'diterima', NULL, ?)`)
        .run(reportId, at);
      return this.findByTicket(ticket)!;
    })();
  }

  /** Any report by its (normalised) ticket — for admins only; reporters go through {@link findForReporter}. */
  findByTicket(ticket: string): StoredReport | undefined {
    const row = this.db.prepare('SELECT * FROM reports WHERE ticket = ?').get(ticket) as ReportRow | undefined;
    return row ? rowToReport(row, this.evidenceOf([row.id])) : undefined;
  }

  /** The report stored by the confirmation with this submission hash, if any. */
  findBySubmission(submission: string): StoredReport | undefined {
    const row = this.db.prepare('SELECT * FROM reports WHERE submission_hash = ?').get(submission) as ReportRow | undefined;
    return row ? rowToReport(row, this.evidenceOf([row.id])) : undefined;
  }

  /** The report only if it was filed from this channel and chat; otherwise undefined, exactly as for an unknown ticket. */
  findForReporter(ticket: string, channel: string, chatId: string): StoredReport | undefined {
    const row = this.db
      .prepare('SELECT * FROM reports WHERE ticket = ? AND channel = ? AND reporter_chat_hash IN (?, ?)')
      .get(ticket, channel, this.chatHash(channel, chatId), this.sealer.legacyLookupHash(`chat:${channel}:${chatId}`)) as ReportRow | undefined;
    return row ? rowToReport(row, this.evidenceOf([row.id])) : undefined;
  }

  /** The reports filed from this channel and chat, newest first (for `/status` without a ticket). */
  listForReporter(channel: string, chatId: string, limit = 10): StoredReport[] {
    const rows = this.db
      .prepare('SELECT * FROM reports WHERE channel = ? AND reporter_chat_hash IN (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?')
      .all(channel, this.chatHash(channel, chatId), this.sealer.legacyLookupHash(`chat:${channel}:${chatId}`), limit) as ReportRow[];
    const evidence = this.evidenceOf(rows.map((r) => r.id));
    return rows.map((r) => rowToReport(r, evidence));
  }

  /** Newest first, optionally only one status and/or from an instant on. */
  list(options: { status?: ReportStatus; since?: string; limit?: number } = {}): StoredReport[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status) {
      where.push('status = ?');
      params.push(options.status);
    }
    if (options.since) {
      where.push('created_at >= ?');
      params.push(options.since);
    }
    const limit = options.limit ?? -1;
    const rows = this.db
      .prepare(`SELECT * FROM reports ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params, limit) as ReportRow[];
    const evidence = this.evidenceOf(rows.map((r) => r.id));
    return rows.map((r) => rowToReport(r, evidence));
  }

  /** Counts per status (all statuses present, zero when none). */
  countByStatus(): Record<ReportStatus, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM reports GROUP BY status').all() as {
      status: ReportStatus;
      n: number;
    }[];
    const out = { diterima: 0, diverifikasi: 0, diteruskan: 0, selesai: 0, ditolak: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /** Status changes, oldest first, starting with `diterima` at submission. */
  history(reportId: number): StatusHistoryEntry[] {
    const rows = this.db
      .prepare('SELECT status, note, at FROM report_status_history WHERE report_id = ? ORDER BY id')
      .all(reportId) as { status: ReportStatus; note: string | null; at: string }[];
    return rows.map((r) => ({ status: r.status, note: r.note ?? undefined, at: r.at }));
  }

  /** Sets a new status and records it (with the admin's note) in the history and the audit trail, atomically. */
  async changeStatus(reportId: number, status: ReportStatus, note: string | undefined, now: Date, actor: AuditActor): Promise<void> {
    const at = now.toISOString();
    await this.writer.write(() => {
      const before = this.db.prepare('SELECT ticket, status FROM reports WHERE id = ?').get(reportId) as { ticket: string; status: string } | undefined;
      this.db.prepare('UPDATE reports SET status = ?, updated_at = ? WHERE id = ?').run(status, at, reportId);
      this.db
        .prepare('INSERT INTO report_status_history (report_id, status, note, at) VALUES (?, ?, ?, ?)')
        .run(reportId, status, note ?? null, at);
      this.audit.record({ actor, action: 'status_changed', ticket: before?.ticket, detail: `${before?.status ?? '?'} → ${status}` }, now);
    });
  }

  /**
   * The reporter's identity, decrypted when the key allows. Showing it to `viewer` is written to
   * the audit trail first (queued when another process holds the lock; a storage failure throws,
   * and then nothing is shown).
   */
  identity(
    report: Pick<StoredReport, 'id' | 'ticket'>,
    viewer: AuditActor,
    options: { now?: Date; action?: 'identity_viewed' | 'identity_exported' } = {},
  ): IdentityLookup {
    const row = this.db
      .prepare('SELECT payload, encrypted FROM reporter_identities WHERE report_id = ?')
      .get(report.id) as { payload: string; encrypted: number } | undefined;
    if (!row) return { state: 'none' };
    let identity: ReporterIdentity;
    try {
      identity = IdentitySchema.parse(JSON.parse(this.sealer.open(row.payload, `identity:${report.ticket}`))) as ReporterIdentity;
    } catch (err) {
      if (err instanceof SealError) return { state: 'locked' };
      throw err;
    }
    this.writer.writeSoon(() => this.audit.record({ actor: viewer, action: options.action ?? 'identity_viewed', ticket: report.ticket }, options.now));
    return { state: 'available', identity, encrypted: row.encrypted === 1 };
  }

  /** The audit trail of one report, newest first. */
  auditTrail(ticket: string): ReturnType<AuditLog['list']> {
    return this.audit.list({ ticket });
  }

  /**
   * Recomputes lookup hashes written before the id secret existed (keyed by the encryption key or
   * unkeyed), for every report whose chat id the current key can open. Run once at start.
   */
  upgradeLookupHashes(): number {
    const rows = this.db.prepare('SELECT id, ticket, channel, reporter_chat_id, reporter_chat_hash FROM reports').all() as {
      id: number;
      ticket: string;
      channel: string;
      reporter_chat_id: string;
      reporter_chat_hash: string;
    }[];
    const update = this.db.prepare('UPDATE reports SET reporter_chat_hash = ? WHERE id = ?');
    let upgraded = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        let chatId: string;
        try {
          chatId = this.sealer.open(r.reporter_chat_id, `chat:${r.ticket}`);
        } catch {
          continue; // another key: found through the legacy hash until re-keyed
        }
        const hash = this.chatHash(r.channel, chatId);
        if (hash === r.reporter_chat_hash) continue;
        update.run(hash, r.id);
        upgraded += 1;
      }
    })();
    return upgraded;
  }

  /**
   * Re-seals every report's chat id and identity with `next` (reports:rekey), inside the caller's
   * transaction. Throws a SealError before changing anything when a value cannot be opened.
   */
  rekeyWithin(next: FieldSealer): { reports: number; identities: number } {
    const reports = this.db.prepare('SELECT id, ticket, reporter_chat_id FROM reports').all() as { id: number; ticket: string; reporter_chat_id: string }[];
    const identities = this.db
      .prepare('SELECT i.report_id, r.ticket, i.payload FROM reporter_identities i JOIN reports r ON r.id = i.report_id')
      .all() as { report_id: number; ticket: string; payload: string }[];
    const chatIds = reports.map((r) => ({ id: r.id, value: next.seal(this.sealer.open(r.reporter_chat_id, `chat:${r.ticket}`), `chat:${r.ticket}`) }));
    const payloads = identities.map((i) => ({ id: i.report_id, value: next.seal(this.sealer.open(i.payload, `identity:${i.ticket}`), `identity:${i.ticket}`) }));
    const setChat = this.db.prepare('UPDATE reports SET reporter_chat_id = ? WHERE id = ?');
    const setIdentity = this.db.prepare('UPDATE reporter_identities SET payload = ?, encrypted = ? WHERE report_id = ?');
    for (const c of chatIds) setChat.run(c.value, c.id);
    for (const p of payloads) setIdentity.run(p.value, next.encrypted ? 1 : 0, p.id);
    return { reports: chatIds.length, identities: payloads.length };
  }

  /** The chat to notify about this report; undefined when it cannot be decrypted with the current key. */
  reporterChatId(report: Pick<StoredReport, 'id' | 'ticket'>): string | undefined {
    const row = this.db.prepare('SELECT reporter_chat_id FROM reports WHERE id = ?').get(report.id) as
      | { reporter_chat_id: string }
      | undefined;
    if (!row) return undefined;
    try {
      return this.sealer.open(row.reporter_chat_id, `chat:${report.ticket}`);
    } catch (err) {
      if (err instanceof SealError) return undefined;
      throw err;
    }
  }

  /** The stored routing decision (as shown to the reporter when they submitted). */
  routeDetail(report: Pick<StoredReport, 'id'>): RouteDecision | undefined {
    const row = this.db.prepare('SELECT route_detail FROM reports WHERE id = ?').get(report.id) as
      | { route_detail: string }
      | undefined;
    return row ? (RouteDetailSchema.parse(JSON.parse(row.route_detail)) as unknown as RouteDecision) : undefined;
  }

  private chatHash(channel: string, chatId: string): string {
    return this.sealer.lookupHash(`chat:${channel}:${chatId}`);
  }

  private uniqueTicket(): string {
    const taken = this.db.prepare('SELECT 1 FROM reports WHERE ticket = ?');
    // 40 random bits make a clash very unlikely; checking keeps it impossible.
    for (let attempt = 0; attempt < 10; attempt++) {
      const ticket = generateTicket();
      if (!taken.get(ticket)) return ticket;
    }
    throw new Error('Gagal membuat nomor tiket unik.');
  }

  private evidenceOf(reportIds: number[]): Map<number, EvidenceRow[]> {
    const out = new Map<number, EvidenceRow[]>();
    if (reportIds.length === 0) return out;
    const stmt = this.db.prepare('SELECT * FROM evidence WHERE report_id = ? ORDER BY id');
    for (const id of reportIds) out.set(id, stmt.all(id) as EvidenceRow[]);
    return out;
  }
}

/** A stored report from its row and the evidence rows of the reports read (both engines). */
export function rowToReport(row: ReportRow, evidence: Map<number, EvidenceRow[]>): StoredReport {
  const rows = evidence.get(row.id) ?? [];
  return {
    id: row.id,
    ticket: row.ticket,
    election: row.election,
    kindId: row.kind_id,
    kindLabel: row.kind_label,
    reported: {
      name: row.reported_name ?? undefined,
      position: row.reported_position ?? undefined,
      agency: row.reported_agency ?? undefined,
      idNumber: row.reported_id_number ?? undefined,
    },
    incidentDate: row.incident_date,
    knownDate: row.known_date ?? undefined,
    place: row.place,
    chronology: row.chronology,
    channel: row.channel,
    anonymous: row.anonymous === 1,
    consentForward: row.consent_forward === 1,
    status: row.status,
    route: row.route,
    deadline: row.deadline ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    evidence: rows
      .filter((e) => e.kind === 'file')
      .map((e) => ({
        fileName: e.file_name!,
        mimeType: e.mime_type!,
        size: e.size_bytes!,
        sha256: e.sha256!,
        originalName: e.original_name ?? undefined,
        ...(e.description ? { description: e.description } : {}),
        attachmentKind: e.attachment_kind ?? 'document',
        receivedAt: e.created_at,
      })),
    links: rows.filter((e) => e.kind === 'link').map((e) => e.url!),
  };
}
