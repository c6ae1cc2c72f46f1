import type pg from 'pg';
import type { PostgresDatabase } from './postgres.js';
import type { SharedChatState, SharedStateCutoffs } from './shared-chat-state.js';
import { toStorageError } from './storage-errors.js';

/**
 * Shared chat state in PostgreSQL. The per-chat lock is a session advisory lock
 * (`pg_advisory_lock`) held on a connection for the task's duration; a worker killed mid-task
 * loses its connection and PostgreSQL releases its locks at once.
 *
 * Lock connections come from the worker's one pool (so a worker never opens more than
 * DATABASE_POOL_SIZE connections), but at most half of it, rounded up, holds locks at once: the
 * task's own queries need connections of the same pool, and with every connection holding a lock
 * no task could finish. Further chats wait here, in arrival order, for a lock slot.
 */
export class PostgresSharedChatState implements SharedChatState {
  private readonly slots: LockSlots;

  constructor(private readonly db: PostgresDatabase) {
    const size = db.poolSize;
    if (size < 2) throw new Error('DATABASE_POOL_SIZE harus paling sedikit 2 dengan PostgreSQL (kunci per chat dan kueri memakai pool yang sama).');
    this.slots = new LockSlots(Math.ceil(size / 2));
  }

  async withLock<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
    await this.slots.acquire();
    try {
      return await this.locked(lockKey, task);
    } finally {
      this.slots.release();
    }
  }

  private async locked<T>(lockKey: string, task: () => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.db.pool.connect();
    } catch (err) {
      throw toStorageError(err) ?? err;
    }
    // A held connection that breaks (server restart, kill) must not crash the worker: the query fails instead.
    const ignore = () => undefined;
    client.on('error', ignore);
    const key = advisoryKey(lockKey);
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      locked = true;
      return await task();
    } catch (err) {
      if (!locked) throw toStorageError(err) ?? err;
      throw err;
    } finally {
      if (locked) {
        // A failed unlock means the connection is broken: discard it (PostgreSQL drops the lock with it).
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).then(
          () => {
            client.off('error', ignore);
            client.release();
          },
          (e: unknown) => client.release(e as Error),
        );
      } else client.release(true);
    }
  }

  async countHit(bucket: string, windowStart: string): Promise<number> {
    const r = await this.db.query<{ hits: number }>(
      `INSERT INTO rate_limit_counters (bucket, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_counters.hits + 1 RETURNING hits`,
      [bucket, windowStart],
    );
    return r.rows[0]?.hits ?? 1;
  }

  async loadMemory(keyHash: string, notBefore: string): Promise<string | undefined> {
    const r = await this.db.query<{ state: string }>('SELECT state FROM conversation_memory WHERE key_hash = $1 AND updated_at >= $2', [keyHash, notBefore]);
    return r.rows[0]?.state;
  }

  async saveMemory(keyHash: string, sealed: string, at: string): Promise<void> {
    await this.db.query(
      `INSERT INTO conversation_memory (key_hash, state, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (key_hash) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
      [keyHash, sealed, at],
    );
  }

  async loadReplies(keyHash: string): Promise<string | undefined> {
    const r = await this.db.query<{ replies: string }>('SELECT replies FROM delivered_messages WHERE key_hash = $1', [keyHash]);
    return r.rows[0]?.replies;
  }

  async saveReplies(keyHash: string, sealed: string, at: string): Promise<void> {
    await this.db.query('INSERT INTO delivered_messages (key_hash, replies, delivered_at) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING', [
      keyHash,
      sealed,
      at,
    ]);
  }

  async loadOffer(keyHash: string, notBefore: string): Promise<string | undefined> {
    const r = await this.db.query<{ choices: string }>('SELECT choices FROM choice_offers WHERE key_hash = $1 AND offered_at >= $2', [keyHash, notBefore]);
    return r.rows[0]?.choices;
  }

  async saveOffer(keyHash: string, sealed: string | undefined, at: string): Promise<void> {
    if (sealed === undefined) {
      await this.db.query('DELETE FROM choice_offers WHERE key_hash = $1', [keyHash]);
      return;
    }
    await this.db.query(
      `INSERT INTO choice_offers (key_hash, choices, offered_at) VALUES ($1, $2, $3)
       ON CONFLICT (key_hash) DO UPDATE SET choices = excluded.choices, offered_at = excluded.offered_at`,
      [keyHash, sealed, at],
    );
  }

  async loadAnswerLink(tokenHash: string): Promise<string | undefined> {
    const r = await this.db.query<{ question: string }>('SELECT question FROM answer_links WHERE token_hash = $1', [tokenHash]);
    return r.rows[0]?.question;
  }

  async saveAnswerLink(tokenHash: string, sealed: string, at: string): Promise<void> {
    await this.db.query('INSERT INTO answer_links (token_hash, question, created_at) VALUES ($1, $2, $3)', [tokenHash, sealed, at]);
  }

  async loadChoiceToken(token: string, notBefore: string): Promise<string | undefined> {
    const r = await this.db.query<{ choice_id: string }>('SELECT choice_id FROM choice_tokens WHERE token = $1 AND created_at >= $2', [token, notBefore]);
    return r.rows[0]?.choice_id;
  }

  async saveChoiceToken(token: string, sealed: string, at: string): Promise<void> {
    await this.db.query('INSERT INTO choice_tokens (token, choice_id, created_at) VALUES ($1, $2, $3)', [token, sealed, at]);
  }

  async claimMessage(keyHash: string, at: string): Promise<boolean> {
    const r = await this.db.query('INSERT INTO cloud_seen_messages (key_hash, seen_at) VALUES ($1, $2) ON CONFLICT (key_hash) DO NOTHING', [keyHash, at]);
    return r.rowCount === 1;
  }

  async touchWindow(keyHash: string, at: string): Promise<void> {
    await this.db.query(
      `INSERT INTO cloud_service_windows (key_hash, last_inbound_at) VALUES ($1, $2)
       ON CONFLICT (key_hash) DO UPDATE SET last_inbound_at = GREATEST(cloud_service_windows.last_inbound_at, excluded.last_inbound_at)`,
      [keyHash, at],
    );
  }

  async loadWindow(keyHash: string): Promise<string | undefined> {
    const r = await this.db.query<{ last_inbound_at: string }>('SELECT last_inbound_at FROM cloud_service_windows WHERE key_hash = $1', [keyHash]);
    return r.rows[0]?.last_inbound_at;
  }

  async sweep(before: SharedStateCutoffs): Promise<void> {
    await this.db.query('DELETE FROM conversation_memory WHERE updated_at < $1', [before.memory]);
    await this.db.query('DELETE FROM rate_limit_counters WHERE window_start < $1', [before.counters]);
    await this.db.query('DELETE FROM delivered_messages WHERE delivered_at < $1', [before.replies]);
    await this.db.query('DELETE FROM choice_offers WHERE offered_at < $1', [before.offers]);
    await this.db.query('DELETE FROM answer_links WHERE created_at < $1', [before.answerLinks]);
    if (before.choiceTokens) await this.db.query('DELETE FROM choice_tokens WHERE created_at < $1', [before.choiceTokens]);
    if (before.seenMessages) await this.db.query('DELETE FROM cloud_seen_messages WHERE seen_at < $1', [before.seenMessages]);
    if (before.windows) await this.db.query('DELETE FROM cloud_service_windows WHERE last_inbound_at < $1', [before.windows]);
  }

}

/** A counting semaphore, first come first served: how many chat locks may hold a connection at once. */
class LockSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(count: number) {
    this.free = count;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** A signed 64-bit advisory lock key from a hex hash (the first 16 hex digits). */
export function advisoryKey(hexHash: string): string {
  const hex = hexHash.replace(/[^0-9a-f]/gi, '').slice(0, 16).padEnd(16, '0');
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}
