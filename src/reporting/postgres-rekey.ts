import type { AuditActor } from '../storage/audit-log.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import type { PgQueryable, PostgresDatabase } from '../storage/postgres.js';
import { draftContext } from './draft-repository.js';
import { recordAudit } from './postgres-report-store.js';

/** What one re-key changed. */
export interface RekeyCounts {
  reports: number;
  identities: number;
  drafts: number;
  /** Short-lived shared chat state (memory, replies, offers, links, button tokens) deleted instead of re-sealed. */
  sharedState: number;
}

/**
 * Tables of short-lived state sealed with the same key (at most 7 days old, caches of a
 * conversation). They are deleted, not re-sealed: after a re-key they would be unreadable, and
 * deleting them leaves no ciphertext of the old key behind; a user at worst sees a button or a
 * full-answer link expire (a follow-up button's token says "Tombol ini sudah tidak berlaku").
 */
const SEALED_SHARED_STATE = ['conversation_memory', 'delivered_messages', 'choice_offers', 'answer_links', 'choice_tokens'] as const;

/**
 * `reports:rekey` on PostgreSQL: re-seals every reporter chat id, identity and draft from `old`
 * to `next` in one transaction, with the same contexts as SQLite (ReportRepository.rekeyWithin,
 * DraftRepository.rekeyWithin). Every value is opened first; one that `old` cannot open throws
 * (SealError) before anything is written, and the transaction rolls back. Writers are locked out
 * meanwhile (a worker left running waits rather than writing with the old key half-way).
 */
export async function rekeyPostgres(db: PostgresDatabase, old: FieldSealer, next: FieldSealer, actor: AuditActor): Promise<RekeyCounts> {
  return db.transaction(async (tx) => {
    const present = await existingTables(tx, SEALED_SHARED_STATE);
    await tx.query(`LOCK TABLE reports, reporter_identities, report_drafts${present.map((t) => `, ${t}`).join('')} IN SHARE ROW EXCLUSIVE MODE`);

    const reports = (await tx.query<{ id: number; ticket: string; reporter_chat_id: string }>('SELECT id, ticket, reporter_chat_id FROM reports')).rows;
    const identities = (
      await tx.query<{ report_id: number; ticket: string; payload: string }>(
        'SELECT i.report_id, r.ticket, i.payload FROM reporter_identities i JOIN reports r ON r.id = i.report_id',
      )
    ).rows;
    const drafts = (await tx.query<{ channel: string; chat_id: string; chat_ref: string | null; state: string }>('SELECT channel, chat_id, chat_ref, state FROM report_drafts')).rows;

    // Verify before change: everything is opened (and sealed anew) before the first UPDATE.
    const chatIds = reports.map((r) => ({ id: r.id, value: next.seal(old.open(r.reporter_chat_id, `chat:${r.ticket}`), `chat:${r.ticket}`) }));
    const payloads = identities.map((i) => ({ id: i.report_id, value: next.seal(old.open(i.payload, `identity:${i.ticket}`), `identity:${i.ticket}`) }));
    const resealed = drafts.map((d) => {
      const ctx = draftContext(d.channel, d.chat_id);
      const refCtx = `draft-chat:${d.channel}:${d.chat_id}`;
      return {
        channel: d.channel,
        chatId: d.chat_id,
        state: next.seal(old.open(d.state, ctx), ctx),
        chatRef: d.chat_ref === null ? null : next.seal(old.open(d.chat_ref, refCtx), refCtx),
      };
    });

    for (const c of chatIds) await tx.query('UPDATE reports SET reporter_chat_id = $1 WHERE id = $2', [c.value, c.id]);
    for (const p of payloads) await tx.query('UPDATE reporter_identities SET payload = $1, encrypted = $2 WHERE report_id = $3', [p.value, next.encrypted ? 1 : 0, p.id]);
    for (const d of resealed) {
      await tx.query('UPDATE report_drafts SET state = $1, chat_ref = $2 WHERE channel = $3 AND chat_id = $4', [d.state, d.chatRef, d.channel, d.chatId]);
    }
    let sharedState = 0;
    for (const table of present) sharedState += (await tx.query(`DELETE FROM ${table}`)).rowCount ?? 0;

    await recordAudit(tx, { actor, action: 'reports_rekeyed', detail: `${chatIds.length} laporan, ${payloads.length} identitas, ${resealed.length} draf` });
    return { reports: chatIds.length, identities: payloads.length, drafts: resealed.length, sharedState };
  });
}

/** Which of `tables` exist in the current schema (a table added by a later step may not be there yet). */
async function existingTables(q: PgQueryable, tables: readonly string[]): Promise<string[]> {
  const r = await q.query<{ name: string }>('SELECT c.relname AS name FROM pg_class c WHERE c.relkind = $1 AND c.relname = ANY($2) AND pg_table_is_visible(c.oid)', [
    'r',
    tables,
  ]);
  const found = new Set(r.rows.map((row) => row.name));
  return tables.filter((t) => found.has(t));
}
