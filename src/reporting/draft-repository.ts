import { z } from 'zod';
import type { NetraDatabase } from '../storage/database.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import { StorageWriter } from '../storage/storage-writer.js';
import { STEP_IDS, type DraftState } from './report-flow.js';

export interface StoredDraft {
  state: DraftState;
  createdAt: string;
  updatedAt: string;
}

/** Thrown when a saved draft cannot be read back (another encryption key, or a damaged row). */
export class UnreadableDraftError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableDraftError';
  }
}

/**
 * The envelope of a stored draft, checked when it is read back: the flow's own fields are the
 * flow's business (they pass through), but the step, the history and the evidence list that the
 * repository and the orphan sweep rely on must have the right shape.
 */
const StoredDraftSchema = z
  .object({
    step: z.enum(STEP_IDS),
    history: z.array(z.enum(STEP_IDS)),
    editing: z.boolean().default(false),
    fields: z
      .object({
        evidence: z.array(z.object({ fileName: z.string() }).passthrough()).default([]),
        links: z.array(z.string()).default([]),
      })
      .passthrough(),
  })
  .passthrough();

/** Marks a `chat_id` that is a lookup hash (schema version 3), not a chat id. */
const KEY_PREFIX = 'k1:';

/**
 * Unfinished reports, one per channel+chat, saved after every step. The answers are sealed as a
 * whole because they may already contain the reporter's identity. The row is found by a keyed
 * lookup hash of the chat, never by the chat id itself (on WhatsApp a phone number); the chat id
 * is kept beside it, sealed. Writes go through a {@link StorageWriter}: they wait asynchronously
 * for a lock held by another process and fail with a StorageUnavailableError.
 */
export class DraftRepository {
  private readonly writer: StorageWriter;

  constructor(
    private readonly db: NetraDatabase,
    private readonly sealer: FieldSealer,
    writer?: StorageWriter,
  ) {
    this.writer = writer ?? new StorageWriter(db, { lockWaitMs: 5000 });
  }

  /** True when this chat has an unfinished report (cheap: does not decrypt). */
  exists(channel: string, chatId: string): boolean {
    return this.db.prepare('SELECT 1 FROM report_drafts WHERE channel = ? AND chat_id = ?').get(channel, this.key(channel, chatId)) !== undefined;
  }

  /** The last time the draft was saved, or undefined when there is none. */
  updatedAt(channel: string, chatId: string): string | undefined {
    const row = this.db
      .prepare('SELECT updated_at FROM report_drafts WHERE channel = ? AND chat_id = ?')
      .get(channel, this.key(channel, chatId)) as { updated_at: string } | undefined;
    return row?.updated_at;
  }

  /** Loads the draft; throws {@link UnreadableDraftError} when it exists but cannot be read. */
  get(channel: string, chatId: string): StoredDraft | undefined {
    const key = this.key(channel, chatId);
    const row = this.db
      .prepare('SELECT step, state, created_at, updated_at FROM report_drafts WHERE channel = ? AND chat_id = ?')
      .get(channel, key) as { step: string; state: string; created_at: string; updated_at: string } | undefined;
    if (!row) return undefined;
    return { state: this.readState(row.state, draftContext(channel, key)), createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Creates or replaces the chat's draft (called after every accepted step). */
  async save(channel: string, chatId: string, state: DraftState, now: Date): Promise<void> {
    await this.writer.write(() => this.saveWithin(channel, chatId, state, now));
  }

  /** {@link save} for use inside a transaction the caller already holds (StorageWriter.write). */
  saveWithin(channel: string, chatId: string, state: DraftState, now: Date): void {
    const at = now.toISOString();
    const key = this.key(channel, chatId);
    this.db
      .prepare(
        `INSERT INTO report_drafts (channel, chat_id, chat_ref, step, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET step = excluded.step, state = excluded.state, chat_ref = excluded.chat_ref, updated_at = excluded.updated_at`,
      )
      .run(
        channel,
        key,
        this.sealer.seal(chatId, `draft-chat:${channel}:${key}`),
        state.step,
        this.sealer.seal(JSON.stringify(state), draftContext(channel, key)),
        at,
        at,
      );
  }

  /** Removes the draft row only; evidence files are the caller's to delete. */
  async delete(channel: string, chatId: string): Promise<void> {
    await this.writer.write(() => this.deleteWithin(channel, chatId));
  }

  /** {@link delete} for use inside a transaction the caller already holds. */
  deleteWithin(channel: string, chatId: string): void {
    this.db.prepare('DELETE FROM report_drafts WHERE channel = ? AND chat_id = ?').run(channel, this.key(channel, chatId));
  }

  /**
   * Evidence files that drafts still refer to (so the orphan sweep keeps them). `complete` is
   * false when a draft could not be read: its files are unknown.
   */
  referencedEvidence(): { files: Set<string>; complete: boolean } {
    const rows = this.db.prepare('SELECT channel, chat_id, state FROM report_drafts').all() as { channel: string; chat_id: string; state: string }[];
    const files = new Set<string>();
    let complete = true;
    for (const r of rows) {
      try {
        for (const e of this.readState(r.state, draftContext(r.channel, r.chat_id)).fields.evidence) files.add(e.fileName);
      } catch {
        complete = false;
      }
    }
    return { files, complete };
  }

  /**
   * Converts drafts stored before schema version 3 (found by the chat id itself) to lookup-hash
   * rows, sealing the chat id; a draft that cannot be read with the current key is deleted. Run
   * once at start, before anything reads drafts. Returns how many rows were converted and dropped.
   */
  convertLegacy(): { converted: number; dropped: number } {
    const rows = this.db
      .prepare(`SELECT channel, chat_id, state, created_at, updated_at FROM report_drafts WHERE chat_id NOT LIKE '${KEY_PREFIX}%'`)
      .all() as { channel: string; chat_id: string; state: string; created_at: string; updated_at: string }[];
    let converted = 0;
    let dropped = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        this.db.prepare('DELETE FROM report_drafts WHERE channel = ? AND chat_id = ?').run(r.channel, r.chat_id);
        let state: DraftState;
        try {
          state = this.readState(r.state, `draft:${r.channel}:${r.chat_id}`);
        } catch {
          dropped += 1;
          continue;
        }
        const key = this.key(r.channel, r.chat_id);
        this.db
          .prepare('INSERT OR REPLACE INTO report_drafts (channel, chat_id, chat_ref, step, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(r.channel, key, this.sealer.seal(r.chat_id, `draft-chat:${r.channel}:${key}`), state.step, this.sealer.seal(JSON.stringify(state), draftContext(r.channel, key)), r.created_at, r.updated_at);
        converted += 1;
      }
    })();
    return { converted, dropped };
  }

  /**
   * Deletes every draft not saved since `cutoff` (the expiry sweep), in one write, and returns how
   * many went and the evidence files they referred to, for the caller to remove. A draft that
   * cannot be read is deleted too; its files are left to the orphan sweep at start.
   */
  async deleteStale(cutoff: Date): Promise<{ count: number; files: string[] }> {
    return this.writer.write(() => {
      const at = cutoff.toISOString();
      const rows = this.db.prepare('SELECT channel, chat_id, state FROM report_drafts WHERE updated_at < ?').all(at) as {
        channel: string;
        chat_id: string;
        state: string;
      }[];
      const files: string[] = [];
      for (const r of rows) {
        try {
          for (const e of this.readState(r.state, draftContext(r.channel, r.chat_id)).fields.evidence) files.push(e.fileName);
        } catch {
          // Unreadable: its files cannot be named here.
        }
      }
      this.db.prepare('DELETE FROM report_drafts WHERE updated_at < ?').run(at);
      return { count: rows.length, files };
    });
  }

  /** Re-seals every draft with `next` (reports:rekey); throws UnreadableDraftError before changing anything. */
  rekeyWithin(next: FieldSealer): number {
    const rows = this.db.prepare('SELECT channel, chat_id, chat_ref, state FROM report_drafts').all() as {
      channel: string;
      chat_id: string;
      chat_ref: string | null;
      state: string;
    }[];
    const resealed = rows.map((r) => {
      const ctx = draftContext(r.channel, r.chat_id);
      const state = this.sealer.open(r.state, ctx);
      const chatRef = r.chat_ref === null ? null : this.sealer.open(r.chat_ref, `draft-chat:${r.channel}:${r.chat_id}`);
      return { ...r, state: next.seal(state, ctx), chat_ref: chatRef === null ? null : next.seal(chatRef, `draft-chat:${r.channel}:${r.chat_id}`) };
    });
    const update = this.db.prepare('UPDATE report_drafts SET state = ?, chat_ref = ? WHERE channel = ? AND chat_id = ?');
    for (const r of resealed) update.run(r.state, r.chat_ref, r.channel, r.chat_id);
    return resealed.length;
  }

  private key(channel: string, chatId: string): string {
    return draftKey(this.sealer, channel, chatId);
  }

  private readState(stored: string, ctx: string): DraftState {
    return readDraftState(this.sealer, stored, ctx);
  }
}

/** The `chat_id` a draft row is found by: a keyed lookup hash of the chat, never the chat id. */
export function draftKey(sealer: FieldSealer, channel: string, chatId: string): string {
  return `${KEY_PREFIX}${sealer.lookupHash(`chat:${channel}:${chatId}`)}`;
}

/** Opens and checks a stored draft state; throws {@link UnreadableDraftError}. */
export function readDraftState(sealer: FieldSealer, stored: string, ctx: string): DraftState {
  let json: unknown;
  try {
    json = JSON.parse(sealer.open(stored, ctx));
  } catch (err) {
    throw new UnreadableDraftError(err instanceof Error ? err.message : String(err));
  }
  const parsed = StoredDraftSchema.safeParse(upgrade(json));
  if (!parsed.success) throw new UnreadableDraftError('Bentuk draf laporan tidak dikenal.');
  // The envelope is checked; the flow's fields are its own type (report-flow.ts).
  return parsed.data as unknown as DraftState;
}

const OLD_REPORTED_STEPS = ['reportedName', 'reportedPosition', 'reportedAgency', 'reportedId'];

/**
 * Drafts saved before the reported party was asked part by part (one `reported` step) resume at
 * its first part, with the parts already given counted as answered.
 */
function upgrade(json: unknown): unknown {
  if (typeof json !== 'object' || json === null) return json;
  const raw = json as { step?: unknown; history?: unknown; fields?: { reported?: unknown; answered?: string[] } };
  const history = Array.isArray(raw.history) ? (raw.history as unknown[]) : [];
  if (raw.step !== 'reported' && !history.includes('reported')) return json;
  const rename = (s: unknown) => (s === 'reported' ? 'reportedName' : s);
  const fields = raw.fields ?? {};
  const answered = fields.reported ? [...new Set([...(fields.answered ?? []), ...OLD_REPORTED_STEPS])] : fields.answered;
  return { ...raw, step: rename(raw.step), history: history.map(rename), fields: { ...fields, answered } };
}

/** The AES-GCM context a draft's state is sealed under. */
export function draftContext(channel: string, key: string): string {
  return `draft:${channel}:${key}`;
}
