import type { NetraDatabase } from './database.js';

/** Who did something to a report: `<channel>:<admin id as configured>`, `console`, or `cli:<os user>`. */
export type AuditActor = string;

export type AuditAction = 'identity_viewed' | 'identity_exported' | 'status_changed' | 'reports_rekeyed';

export interface AuditEntry {
  at: string;
  actor: AuditActor;
  action: AuditAction;
  ticket?: string;
  /** Never the identity itself: e.g. "diterima → diteruskan", "12 laporan". */
  detail?: string;
}

/** The audit actor for an admin message (console has one operator). */
export function adminActor(channel: string, userId: string): AuditActor {
  return channel === 'console' ? 'console' : `${channel}:${userId}`;
}

/**
 * The audit trail of the reports: who viewed a reporter's identity, who changed a status, who
 * exported or re-keyed, and when. Rows are only ever added. Call {@link record} inside the same
 * write transaction as the change it describes, so neither exists without the other.
 */
export class AuditLog {
  constructor(private readonly db: NetraDatabase) {}

  record(entry: Omit<AuditEntry, 'at'>, at: Date = new Date()): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, ticket, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at.toISOString(), entry.actor, entry.action, entry.ticket ?? null, entry.detail ?? null);
  }

  /** Newest first; optionally one ticket's. */
  list(options: { ticket?: string; limit?: number } = {}): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT at, actor, action, ticket, detail FROM audit_log ${options.ticket ? 'WHERE ticket = ?' : ''} ORDER BY id DESC LIMIT ?`,
      )
      .all(...(options.ticket ? [options.ticket] : []), options.limit ?? 100) as {
      at: string;
      actor: string;
      action: AuditAction;
      ticket: string | null;
      detail: string | null;
    }[];
    return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, ...(r.ticket ? { ticket: r.ticket } : {}), ...(r.detail ? { detail: r.detail } : {}) }));
  }
}
