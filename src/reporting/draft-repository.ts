import type { ChannelName } from '../conversation/messages.js';
import type { NetraDatabase } from '../storage/database.js';
import type { FieldSealer } from '../storage/field-crypto.js';
import { STEPS, type DraftState } from './report-flow.js';

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
 * Unfinished reports, one per channel+chat, saved after every step. The answers are sealed as a
 * whole because they may already contain the reporter's identity.
 */
export class DraftRepository {
  constructor(
    private readonly db: NetraDatabase,
    private readonly sealer: FieldSealer,
  ) {}

  /** True when this chat has an unfinished report (cheap: does not decrypt). */
  exists(channel: ChannelName, chatId: string): boolean {
    return this.db.prepare('SELECT 1 FROM report_drafts WHERE channel = ? AND chat_id = ?').get(channel, chatId) !== undefined;
  }

  /** The last time the draft was saved, or undefined when there is none. */
  updatedAt(channel: ChannelName, chatId: string): string | undefined {
    const row = this.db
      .prepare('SELECT updated_at FROM report_drafts WHERE channel = ? AND chat_id = ?')
      .get(channel, chatId) as { updated_at: string } | undefined;
    return row?.updated_at;
  }

  /** Loads the draft; throws {@link UnreadableDraftError} when it exists but cannot be read. */
  get(channel: ChannelName, chatId: string): StoredDraft | undefined {
    const row = this.db
      .prepare('SELECT step, state, created_at, updated_at FROM report_drafts WHERE channel = ? AND chat_id = ?')
      .get(channel, chatId) as { step: string; state: string; created_at: string; updated_at: string } | undefined;
    if (!row) return undefined;
    let state: DraftState;
    try {
      state = JSON.parse(this.sealer.open(row.state, context(channel, chatId))) as DraftState;
    } catch (err) {
      throw new UnreadableDraftError(err instanceof Error ? err.message : String(err));
    }
    if (!(STEPS as readonly string[]).includes(state.step) || !Array.isArray(state.history) || typeof state.fields !== 'object') {
      throw new UnreadableDraftError('Bentuk draf laporan tidak dikenal.');
    }
    state.fields.evidence ??= [];
    state.fields.links ??= [];
    return { state, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Creates or replaces the chat's draft (called after every accepted step). */
  save(channel: ChannelName, chatId: string, state: DraftState, now: Date): void {
    const at = now.toISOString();
    this.db
      .prepare(
        `INSERT INTO report_drafts (channel, chat_id, step, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET step = excluded.step, state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(channel, chatId, state.step, this.sealer.seal(JSON.stringify(state), context(channel, chatId)), at, at);
  }

  /** Removes the draft row only; evidence files are the caller's to delete. */
  delete(channel: ChannelName, chatId: string): void {
    this.db.prepare('DELETE FROM report_drafts WHERE channel = ? AND chat_id = ?').run(channel, chatId);
  }
}

function context(channel: string, chatId: string): string {
  return `draft:${channel}:${chatId}`;
}
