import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeAtomically } from './durable-files.js';

/**
 * Embeddings already computed, keyed by the sha256 of the text, in one binary file per embedder:
 * a 16-byte header (`NTRE`, version, dimensions) and then records of a 32-byte key and the vector
 * as little-endian Float32. Reading 36,000 vectors is one read (tens of milliseconds), where the
 * base64-in-JSON cache it replaces took seconds; new vectors are appended, so a one-document
 * change writes a few kilobytes. A record cut short by a crash is ignored; the file is rewritten
 * without stale entries when they outnumber the live ones.
 */

const MAGIC = 'NTRE';
const VERSION = 1;
const HEADER_BYTES = 16;
const KEY_BYTES = 32;

/** The cache key of a text: sha256 of its UTF-8 bytes. */
export function embeddingKey(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export class EmbeddingCache {
  /** Where each key's vector starts in {@link data}. */
  private readonly offsets = new Map<string, number>();
  /** Vectors added since the file was read (pending or already appended). */
  private readonly added = new Map<string, Float32Array>();
  private pending: string[] = [];
  /** Records in the file, live or stale (a key written twice counts twice). */
  private records = 0;

  private constructor(
    readonly file: string,
    private dims: number | undefined,
    private readonly data: Buffer,
    /** Bytes of the file that hold whole records (a torn last record is excluded). */
    private validBytes: number,
  ) {}

  /** Vector length, once known (from the file, or the first vector added). */
  get dimensions(): number | undefined {
    return this.dims;
  }

  /**
   * Opens the cache at `file`; a missing, foreign or damaged file is an empty cache (the vectors
   * are computed again), never an error. `dimensions`, when given, must match the file's.
   */
  static async open(file: string, dimensions?: number): Promise<EmbeddingCache> {
    let data: Buffer;
    try {
      data = await fs.readFile(file);
    } catch {
      return new EmbeddingCache(file, dimensions, Buffer.alloc(0), 0);
    }
    const ok =
      data.length >= HEADER_BYTES &&
      data.toString('latin1', 0, 4) === MAGIC &&
      data.readUInt32LE(4) === VERSION &&
      data.readUInt32LE(8) > 0 &&
      (dimensions === undefined || data.readUInt32LE(8) === dimensions);
    if (!ok) return new EmbeddingCache(file, dimensions, Buffer.alloc(0), 0);
    const dims = data.readUInt32LE(8);
    const cache = new EmbeddingCache(file, dims, data, HEADER_BYTES);
    const record = KEY_BYTES + dims * 4;
    for (let at = HEADER_BYTES; at + record <= data.length; at += record) {
      cache.offsets.set(data.toString('hex', at, at + KEY_BYTES), at + KEY_BYTES);
      cache.records += 1;
      cache.validBytes = at + record;
    }
    return cache;
  }

  /** Records in the file, live and stale. */
  get size(): number {
    return this.records;
  }

  /** The cached vector for `key`, or undefined. */
  get(key: Buffer): Float32Array | undefined {
    const hex = key.toString('hex');
    const added = this.added.get(hex);
    if (added) return added;
    const at = this.offsets.get(hex);
    if (at === undefined || this.dims === undefined) return undefined;
    // A copy, so the vector is aligned and does not pin the file buffer.
    return new Float32Array(new Uint8Array(this.data.buffer, this.data.byteOffset + at, this.dims * 4).slice().buffer);
  }

  /** Adds a vector, written by the next {@link flush}. */
  set(key: Buffer, vector: ArrayLike<number>): void {
    this.dims ??= vector.length;
    if (vector.length !== this.dims) throw new Error(`embedding has ${vector.length} dimensions, the cache ${this.dims}`);
    const hex = key.toString('hex');
    this.added.set(hex, Float32Array.from(vector));
    this.pending.push(hex);
  }

  /**
   * Writes what was added: appended to the file, or — when the file would hold more than twice
   * `liveCount` records — rewritten with only the `live()` keys, atomically. (The keys are asked
   * for only then: hashing every text for a one-document change would cost more than the change.)
   */
  async flush(liveCount: number, live: () => Iterable<Buffer>): Promise<void> {
    if (this.pending.length === 0 || this.dims === undefined) return;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const total = this.records + this.pending.length;
    if (this.validBytes === 0 || total > 2 * Math.max(liveCount, 1)) {
      await this.rewrite(new Set([...live()].map((k) => k.toString('hex'))));
      return;
    }
    const record = KEY_BYTES + this.dims * 4;
    const chunk = Buffer.alloc(this.pending.length * record);
    this.pending.forEach((hex, i) => {
      const v = this.added.get(hex)!;
      Buffer.from(hex, 'hex').copy(chunk, i * record);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(chunk, i * record + KEY_BYTES);
    });
    // A torn record left by a crash would misalign everything appended after it: cut it first.
    const handle = await fs.open(this.file, 'r+');
    try {
      await handle.truncate(this.validBytes);
      await handle.write(chunk, 0, chunk.length, this.validBytes);
    } finally {
      await handle.close();
    }
    this.validBytes += chunk.length;
    this.records = total;
    this.pending = [];
  }

  private async rewrite(liveKeys: Set<string>): Promise<void> {
    const dims = this.dims!;
    const record = KEY_BYTES + dims * 4;
    const keep = [...liveKeys].filter((k) => this.added.has(k) || this.offsets.has(k));
    // Without live keys (nothing to compare with) keep what was just added.
    const keys = liveKeys.size > 0 ? keep : [...this.added.keys()];
    const out = Buffer.alloc(HEADER_BYTES + keys.length * record);
    out.write(MAGIC, 0, 'latin1');
    out.writeUInt32LE(VERSION, 4);
    out.writeUInt32LE(dims, 8);
    keys.forEach((hex, i) => {
      const v = this.get(Buffer.from(hex, 'hex'))!;
      Buffer.from(hex, 'hex').copy(out, HEADER_BYTES + i * record);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(out, HEADER_BYTES + i * record + KEY_BYTES);
    });
    await writeAtomically(this.file, out);
    this.validBytes = out.length;
    this.records = keys.length;
    this.pending = [];
  }
}
