import type { AuditActor, AuditAction, AuditEntry } from '../storage/audit-log.js';
import { SealError, type FieldSealer } from '../storage/field-crypto.js';
import type { PgQueryable, PostgresDatabase } from '../storage/postgres.js';
import { draftContext, draftKey, readDraftState, type StoredDraft } from './draft-repository.js';
import type { DraftState } from './report-flow.js';
import type { ReporterIdentity, StatusHistoryEntry, StoredReport } from './report-model.js';
import {
  type EvidenceRow,
  type IdentityLookup,
  IdentitySchema,
  type NewReport,
  type ReportRow,
  RouteDetailSchema,
  rowToReport,
} from './report-repository.js';
import type { RouteDecision } from './report-routing.js';
import type { ReportStatus } from './report-status.js';
import type { DraftStore, ReportingStores, ReportStore } from './report-store.js';
import { generateTicket } from './ticket-code.js';

/**
 * The shared engine: reports and drafts in PostgreSQL, for several workers. Same tables, same
 * sealing and lookup hashes as the SQLite repositories (a database copied with `db:copy` reads
 * back the same), every multi-row change in one transaction.
 */
export function postgresReportingStores(db: PostgresDatabase, sealer: FieldSealer): ReportingStores {
  return { reports: new PostgresReportStore(db, sealer), drafts: new PostgresDraftStore(db, sealer) };
}

const REPORT_COLUMNS = `id, ticket, election, kind_id, kind_label, reported_name, reported_position, reported_agency,
  reported_id_number, incident_date, known_date, place, chronology, channel, reporter_chat_id, reporter_chat_hash,
  anonymous, consent_forward, status, route, route_detail, deadline, created_at, updated_at`;

class PostgresReportStore implements ReportStore {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly sealer: FieldSealer,
  ) {}

  create(input: NewReport, now: Date, options?: { deleteDraftOf?: { channel: string; chatId: string } }): Promise<StoredReport> {
    const at = now.toISOString();
    return this.db.transaction(async (tx) => {
      let reportId: number | undefined;
      let ticket = '';
      // 40 random bits make a clash very unlikely; ON CONFLICT keeps it impossible without aborting the transaction.
      for (let attempt = 0; attempt < 10 && reportId === undefined; attempt++) {
        ticket = generateTicket();
        const r = await tx.query<{ id: number }>(
          `INSERT INTO reports (ticket, election, kind_id, kind_label, reported_name, reported_position, reported_agency,
             reported_id_number, incident_date, known_date, place, chronology, channel, reporter_chat_id, reporter_chat_hash,
             anonymous, consent_forward, status, route, route_detail, deadline, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'diterima', $18, $19, $20, $21, $22)
           ON CONFLICT (ticket) DO NOTHING RETURNING id`,
          [
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
          ],
        );
        reportId = r.rows[0]?.id;
      }
      if (reportId === undefined) throw new Error('Gagal membuat nomor tiket unik.');
      if (input.submission) await tx.query('UPDATE reports SET submission_hash = $1 WHERE id = $2', [input.submission, reportId]);
      const evidenceSql = `INSERT INTO evidence (report_id, kind, file_name, mime_type, size_bytes, sha256, original_name, attachment_kind, description, url, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;
      for (const e of input.evidence) {
        await tx.query(evidenceSql, [reportId, 'file', e.fileName, e.mimeType, e.size, e.sha256, e.originalName ?? null, e.attachmentKind, e.description ?? null, null, e.receivedAt]);
      }
      for (const url of input.links) await tx.query(evidenceSql, [reportId, 'link', null, null, null, null, null, null, null, url, at]);
      if (input.identity) {
        await tx.query('INSERT INTO reporter_identities (report_id, payload, encrypted, created_at) VALUES ($1, $2, $3, $4)', [
          reportId,
          this.sealer.seal(JSON.stringify(input.identity), `identity:${ticket}`),
          this.sealer.encrypted ? 1 : 0,
          at,
        ]);
      }
      await tx.query(`INSERT INTO report_status_history (report_id, status, note, at) VALUES ($1, 'diterima', NULL, $2)`, [reportId, at]);
      if (options?.deleteDraftOf) {
        const { channel, chatId } = options.deleteDraftOf;
        await tx.query('DELETE FROM report_drafts WHERE channel = $1 AND chat_id = $2', [channel, draftKey(this.sealer, channel, chatId)]);
      }
      const created = await this.findWhere(tx, 'ticket = $1', [ticket]);
      return created[0]!;
    });
  }

  async findByTicket(ticket: string): Promise<StoredReport | undefined> {
    return (await this.findWhere(this.db, 'ticket = $1', [ticket]))[0];
  }

  async findBySubmission(submission: string): Promise<StoredReport | undefined> {
    return (await this.findWhere(this.db, 'submission_hash = $1', [submission]))[0];
  }

  async findForReporter(ticket: string, channel: string, chatId: string): Promise<StoredReport | undefined> {
    const rows = await this.findWhere(this.db, 'ticket = $1 AND channel = $2 AND reporter_chat_hash IN ($3, $4)', [
      ticket,
      channel,
      this.chatHash(channel, chatId),
      this.sealer.legacyLookupHash(`chat:${channel}:${chatId}`),
    ]);
    return rows[0];
  }

  listForReporter(channel: string, chatId: string, limit = 10): Promise<StoredReport[]> {
    return this.findWhere(
      this.db,
      'channel = $1 AND reporter_chat_hash IN ($2, $3)',
      [channel, this.chatHash(channel, chatId), this.sealer.legacyLookupHash(`chat:${channel}:${chatId}`)],
      limit,
    );
  }

  list(options: { status?: ReportStatus; since?: string; limit?: number } = {}): Promise<StoredReport[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (options.status) {
      params.push(options.status);
      where.push(`status = $${params.length}`);
    }
    if (options.since) {
      params.push(options.since);
      where.push(`created_at >= $${params.length}`);
    }
    return this.findWhere(this.db, where.length ? where.join(' AND ') : 'TRUE', params, options.limit);
  }

  async countByStatus(): Promise<Record<ReportStatus, number>> {
    const r = await this.db.query<{ status: ReportStatus; n: number }>('SELECT status, COUNT(*)::int AS n FROM reports GROUP BY status');
    const out = { diterima: 0, diverifikasi: 0, diteruskan: 0, selesai: 0, ditolak: 0 };
    for (const row of r.rows) out[row.status] = row.n;
    return out;
  }

  async history(reportId: number): Promise<StatusHistoryEntry[]> {
    const r = await this.db.query<{ status: ReportStatus; note: string | null; at: string }>(
      'SELECT status, note, at FROM report_status_history WHERE report_id = $1 ORDER BY id',
      [reportId],
    );
    return r.rows.map((row) => ({ status: row.status, note: row.note ?? undefined, at: row.at }));
  }

  async changeStatus(reportId: number, status: ReportStatus, note: string | undefined, now: Date, actor: AuditActor): Promise<void> {
    const at = now.toISOString();
    await this.db.transaction(async (tx) => {
      // FOR UPDATE: two admins on two workers changing one report are applied one after the other.
      const before = (await tx.query<{ ticket: string; status: string }>('SELECT ticket, status FROM reports WHERE id = $1 FOR UPDATE', [reportId])).rows[0];
      await tx.query('UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3', [status, at, reportId]);
      await tx.query('INSERT INTO report_status_history (report_id, status, note, at) VALUES ($1, $2, $3, $4)', [reportId, status, note ?? null, at]);
      await recordAudit(tx, { actor, action: 'status_changed', ticket: before?.ticket, detail: `${before?.status ?? '?'} → ${status}` }, now);
    });
  }

  async identity(
    report: Pick<StoredReport, 'id' | 'ticket'>,
    viewer: AuditActor,
    options: { now?: Date; action?: 'identity_viewed' | 'identity_exported' } = {},
  ): Promise<IdentityLookup> {
    const row = (await this.db.query<{ payload: string; encrypted: number }>('SELECT payload, encrypted FROM reporter_identities WHERE report_id = $1', [report.id])).rows[0];
    if (!row) return { state: 'none' };
    let identity: ReporterIdentity;
    try {
      identity = IdentitySchema.parse(JSON.parse(this.sealer.open(row.payload, `identity:${report.ticket}`))) as ReporterIdentity;
    } catch (err) {
      if (err instanceof SealError) return { state: 'locked' };
      throw err;
    }
    // Written before the identity is shown: a storage failure throws and nothing is shown.
    await recordAudit(this.db, { actor: viewer, action: options.action ?? 'identity_viewed', ticket: report.ticket }, options.now);
    return { state: 'available', identity, encrypted: row.encrypted === 1 };
  }

  async auditTrail(ticket: string): Promise<AuditEntry[]> {
    return listAudit(this.db, { ticket });
  }

  async reporterChatId(report: Pick<StoredReport, 'id' | 'ticket'>): Promise<string | undefined> {
    const row = (await this.db.query<{ reporter_chat_id: string }>('SELECT reporter_chat_id FROM reports WHERE id = $1', [report.id])).rows[0];
    if (!row) return undefined;
    try {
      return this.sealer.open(row.reporter_chat_id, `chat:${report.ticket}`);
    } catch (err) {
      if (err instanceof SealError) return undefined;
      throw err;
    }
  }

  async routeDetail(report: Pick<StoredReport, 'id'>): Promise<RouteDecision | undefined> {
    const row = (await this.db.query<{ route_detail: string }>('SELECT route_detail FROM reports WHERE id = $1', [report.id])).rows[0];
    return row ? (RouteDetailSchema.parse(JSON.parse(row.route_detail)) as unknown as RouteDecision) : undefined;
  }

  private chatHash(channel: string, chatId: string): string {
    return this.sealer.lookupHash(`chat:${channel}:${chatId}`);
  }

  private async findWhere(q: PgQueryable, where: string, params: unknown[], limit?: number): Promise<StoredReport[]> {
    const limitSql = limit === undefined || limit < 0 ? '' : ` LIMIT ${Math.floor(limit)}`;
    const rows = (await q.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE ${where} ORDER BY created_at DESC, id DESC${limitSql}`, params)).rows;
    const evidence = new Map<number, EvidenceRow[]>();
    if (rows.length > 0) {
      const ev = await q.query<EvidenceRow & { id: number }>('SELECT * FROM evidence WHERE report_id = ANY($1::int[]) ORDER BY id', [rows.map((r) => r.id)]);
      for (const e of ev.rows) {
        const list = evidence.get(e.report_id) ?? [];
        list.push(e);
        evidence.set(e.report_id, list);
      }
    }
    return rows.map((r) => rowToReport(r, evidence));
  }
}

class PostgresDraftStore implements DraftStore {
  constructor(
    private readonly db: PostgresDatabase,
    private readonly sealer: FieldSealer,
  ) {}

  async updatedAt(channel: string, chatId: string): Promise<string | undefined> {
    const r = await this.db.query<{ updated_at: string }>('SELECT updated_at FROM report_drafts WHERE channel = $1 AND chat_id = $2', [channel, this.key(channel, chatId)]);
    return r.rows[0]?.updated_at;
  }

  async get(channel: string, chatId: string): Promise<StoredDraft | undefined> {
    const key = this.key(channel, chatId);
    const row = (
      await this.db.query<{ state: string; created_at: string; updated_at: string }>(
        'SELECT state, created_at, updated_at FROM report_drafts WHERE channel = $1 AND chat_id = $2',
        [channel, key],
      )
    ).rows[0];
    if (!row) return undefined;
    return { state: readDraftState(this.sealer, row.state, draftContext(channel, key)), createdAt: row.created_at, updatedAt: row.updated_at };
  }

  async save(channel: string, chatId: string, state: DraftState, now: Date): Promise<void> {
    const at = now.toISOString();
    const key = this.key(channel, chatId);
    await this.db.query(
      `INSERT INTO report_drafts (channel, chat_id, chat_ref, step, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (channel, chat_id) DO UPDATE SET step = excluded.step, state = excluded.state, chat_ref = excluded.chat_ref, updated_at = excluded.updated_at`,
      [channel, key, this.sealer.seal(chatId, `draft-chat:${channel}:${key}`), state.step, this.sealer.seal(JSON.stringify(state), draftContext(channel, key)), at, at],
    );
  }

  async delete(channel: string, chatId: string): Promise<void> {
    await this.db.query('DELETE FROM report_drafts WHERE channel = $1 AND chat_id = $2', [channel, this.key(channel, chatId)]);
  }

  async deleteStale(cutoff: Date): Promise<{ count: number; files: string[] }> {
    const at = cutoff.toISOString();
    // DELETE … RETURNING: what this worker deleted is exactly what it reports, even when another sweeps at once.
    const r = await this.db.query<{ channel: string; chat_id: string; state: string }>(
      'DELETE FROM report_drafts WHERE updated_at < $1 RETURNING channel, chat_id, state',
      [at],
    );
    const files: string[] = [];
    for (const row of r.rows) {
      try {
        for (const e of readDraftState(this.sealer, row.state, draftContext(row.channel, row.chat_id)).fields.evidence) files.push(e.fileName);
      } catch {
        // Unreadable: its files cannot be named here.
      }
    }
    return { count: r.rows.length, files };
  }

  async referencedEvidence(): Promise<{ files: Set<string>; complete: boolean }> {
    const r = await this.db.query<{ channel: string; chat_id: string; state: string }>('SELECT channel, chat_id, state FROM report_drafts');
    const files = new Set<string>();
    let complete = true;
    for (const row of r.rows) {
      try {
        for (const e of readDraftState(this.sealer, row.state, draftContext(row.channel, row.chat_id)).fields.evidence) files.add(e.fileName);
      } catch {
        complete = false;
      }
    }
    return { files, complete };
  }

  private key(channel: string, chatId: string): string {
    return draftKey(this.sealer, channel, chatId);
  }
}

/** Adds one audit row (inside the caller's transaction when `q` is one). */
export async function recordAudit(q: PgQueryable, entry: Omit<AuditEntry, 'at'>, at: Date = new Date()): Promise<void> {
  await q.query('INSERT INTO audit_log (at, actor, action, ticket, detail) VALUES ($1, $2, $3, $4, $5)', [
    at.toISOString(),
    entry.actor,
    entry.action,
    entry.ticket ?? null,
    entry.detail ?? null,
  ]);
}

/** Audit rows, newest first; optionally one ticket's. */
export async function listAudit(q: PgQueryable, options: { ticket?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  const params: unknown[] = options.ticket ? [options.ticket] : [];
  params.push(options.limit ?? 100);
  const r = await q.query<{ at: string; actor: string; action: AuditAction; ticket: string | null; detail: string | null }>(
    `SELECT at, actor, action, ticket, detail FROM audit_log ${options.ticket ? 'WHERE ticket = $1' : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  return r.rows.map((row) => ({ at: row.at, actor: row.actor, action: row.action, ...(row.ticket ? { ticket: row.ticket } : {}), ...(row.detail ? { detail: row.detail } : {}) }));
}
