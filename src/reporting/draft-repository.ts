import type { NetraDatabase } from '../storage/database.js';
import type { FieldSealer } from '../storage/field-crypto.js';
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
 * Unfinished reports, one per channel+chat, saved after every step. The answers are sealed as a
 * whole because they may already contain the reporter's identity.
 */
export class DraftRepository {
  constructor(
    private readonly db: NetraDatabase,
    private readonly sealer: FieldSealer,
  ) {}

  /** True when this chat has an unfinished report (cheap: does not decrypt). */
  exists(channel: string, chatId: string): boolean {
    return this.db.prepare('SELECT 1 FROM report_drafts WHERE channel = ? AND chat_id = ?').get(channel, chatId) !== undefined;
  }

  /** The last time the draft was saved, or undefined when there is none. */
  updatedAt(channel: string, chatId: string): string | undefined {
    const row = this.db
      .prepare('SELECT updated_at FROM report_drafts WHERE channel = ? AND chat_id = ?')
      .get(channel, chatId) as { updated_at: string } | undefined;
    return row?.updated_at;
  }

  /** Loads the draft; throws {@link UnreadableDraftError} when it exists but cannot be read. */
  get(channel: string, chatId: string): StoredDraft | undefined {
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
    state = upgrade(state);
    if (!(STEP_IDS as readonly string[]).includes(state.step) || !Array.isArray(state.history) || typeof state.fields !== 'object') {
      throw new UnreadableDraftError('Bentuk draf laporan tidak dikenal.');
    }
    state.fields.evidence ??= [];
    state.fields.links ??= [];
    return { state, createdAt: row.created_at, updatedAt: row.updated_at };
  }

  /** Creates or replaces the chat's draft (called after every accepted step). */
  save(channel: string, chatId: string, state: DraftState, now: Date): void {
    const at = now.toISOString();
    this.db
      .prepare(
        `INSERT INTO report_drafts (channel, chat_id, step, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET step = excluded.step, state = excluded.state, updated_at = excluded.updated_at`,
      )
      .run(channel, chatId, state.step, this.sealer.seal(JSON.stringify(state), context(channel, chatId)), at, at);
  }

  /** Drafts not saved since `cutoff`, for the expiry sweep (oldest first). */
  staleSince(cutoff: Date): { channel: string; chatId: string }[] {
    const rows = this.db
      .prepare('SELECT channel, chat_id FROM report_drafts WHERE updated_at < ? ORDER BY updated_at')
      .all(cutoff.toISOString()) as { channel: string; chat_id: string }[];
    return rows.map((r) => ({ channel: r.channel, chatId: r.chat_id }));
  }

  /** Removes the draft row only; evidence files are the caller's to delete. */
  delete(channel: string, chatId: string): void {
    this.db.prepare('DELETE FROM report_drafts WHERE channel = ? AND chat_id = ?').run(channel, chatId);
  }
}

const OLD_REPORTED_STEPS = ['reportedName', 'reportedPosition', 'reportedAgency', 'reportedId'];

/**
 * Drafts saved before the reported party was asked part by part (one `reported` step) resume at
 * its first part, with the parts already given counted as answered.
 */
function upgrade(state: DraftState): DraftState {
  // Read as stored: an old draft's step names are outside today's StepId.
  const raw = state as unknown as { step: string; history?: string[]; fields?: DraftState['fields'] };
  if (raw.step !== 'reported' && !raw.history?.includes('reported')) return state;
  const fields = raw.fields ?? { evidence: [], links: [] };
  const answered = fields.reported ? [...new Set([...(fields.answered ?? []), ...OLD_REPORTED_STEPS])] : fields.answered;
  const rename = (s: string): string => (s === 'reported' ? 'reportedName' : s);
  return {
    ...state,
    step: rename(raw.step) as DraftState['step'],
    history: (raw.history ?? []).map(rename) as DraftState['history'],
    fields: { ...fields, answered },
  };
}

function context(channel: string, chatId: string): string {
  return `draft:${channel}:${chatId}`;
}
