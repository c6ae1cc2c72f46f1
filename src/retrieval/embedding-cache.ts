import { createHash, randomBytes } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Embeddings already computed, keyed by the sha256 of the text, in one binary file per embedder:
 * a 16-byte header (`NTRE`, version, dimensions) and then records of a 32-byte key and the vector
 * as little-endian Float32. Reading 36,000 vectors is one read (tens of milliseconds), where the
 * base64-in-JSON cache it replaces took seconds; new vectors are appended, so a one-document
 * change writes a few kilobytes. A record cut short by a crash is ignored; the file is rewritten
 * without stale entries when they outnumber the live ones.
 *
 * Opening reads only the keys, block by block, and a vector is read from the file when asked for:
 * at 100× the corpus the file is 193 MB, and a one-document re-index needs a handful of vectors
 * from it, so holding it all in memory doubled the re-index's footprint for nothing.
 */

/** Records read at once while scanning the keys (about 4 MB with 1024 dimensions). */
const SCAN_RECORDS = 1024;

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
    /** The open file the vectors are read from, or undefined for a cache that had no usable file. */
    private fd: number | undefined,
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
    let fd: number;
    try {
      fd = fsSync.openSync(file, 'r');
    } catch {
      return new EmbeddingCache(file, dimensions, undefined, 0);
    }
    try {
      const size = fsSync.fstatSync(fd).size;
      const header = Buffer.alloc(HEADER_BYTES);
      const ok =
        size >= HEADER_BYTES &&
        fsSync.readSync(fd, header, 0, HEADER_BYTES, 0) === HEADER_BYTES &&
        header.toString('latin1', 0, 4) === MAGIC &&
        header.readUInt32LE(4) === VERSION &&
        header.readUInt32LE(8) > 0 &&
        (dimensions === undefined || header.readUInt32LE(8) === dimensions);
      if (!ok) {
        fsSync.closeSync(fd);
        return new EmbeddingCache(file, dimensions, undefined, 0);
      }
      const dims = header.readUInt32LE(8);
      const cache = new EmbeddingCache(file, dims, fd, HEADER_BYTES);
      const record = KEY_BYTES + dims * 4;
      const block = Buffer.allocUnsafe(record * SCAN_RECORDS);
      for (let at = HEADER_BYTES; at + record <= size; ) {
        const read = fsSync.readSync(fd, block, 0, Math.min(block.length, size - at), at);
        const whole = Math.floor(read / record);
        if (whole === 0) break;
        for (let i = 0; i < whole; i++) cache.offsets.set(block.toString('hex', i * record, i * record + KEY_BYTES), at + i * record + KEY_BYTES);
        cache.records += whole;
        at += whole * record;
        cache.validBytes = at;
      }
      return cache;
    } catch {
      // Unreadable midway (an I/O error): a cache, so start empty rather than fail the re-index.
      fsSync.closeSync(fd);
      return new EmbeddingCache(file, dimensions, undefined, 0);
    }
  }

  /** Closes the file; the cache must not be used afterwards. */
  close(): void {
    if (this.fd !== undefined) fsSync.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Records in the file, live and stale. */
  get size(): number {
    return this.records;
  }

  /** Whether the cache holds a vector for `key` (nothing is read). */
  has(key: Buffer): boolean {
    const hex = key.toString('hex');
    return this.added.has(hex) || (this.fd !== undefined && this.offsets.has(hex));
  }

  /** The cached vector for `key`, or undefined. */
  get(key: Buffer): Float32Array | undefined {
    const hex = key.toString('hex');
    const added = this.added.get(hex);
    if (added) return added;
    const at = this.offsets.get(hex);
    if (at === undefined || this.dims === undefined || this.fd === undefined) return undefined;
    const vector = new Float32Array(this.dims);
    const bytes = new Uint8Array(vector.buffer);
    if (fsSync.readSync(this.fd, bytes, 0, bytes.length, at) !== bytes.length) return undefined;
    return vector;
  }

  /** Adds a vector, written by the next {@link flush}; returns the Float32 copy the cache keeps. */
  set(key: Buffer, vector: ArrayLike<number>): Float32Array {
    this.dims ??= vector.length;
    if (vector.length !== this.dims) throw new Error(`embedding has ${vector.length} dimensions, the cache ${this.dims}`);
    const hex = key.toString('hex');
    const stored = Float32Array.from(vector);
    this.added.set(hex, stored);
    this.pending.push(hex);
    return stored;
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
    // Written: read back from the file when asked for, instead of kept in memory.
    this.pending.forEach((hex, i) => {
      this.offsets.set(hex, this.validBytes + i * record + KEY_BYTES);
      this.added.delete(hex);
    });
    this.validBytes += chunk.length;
    this.records = total;
    this.pending = [];
  }

  /**
   * Writes a new file holding only `liveKeys` (those the cache has), block by block so a
   * compaction never holds the whole file in memory, and switches to it by a rename.
   */
  private async rewrite(liveKeys: Set<string>): Promise<void> {
    const dims = this.dims!;
    const record = KEY_BYTES + dims * 4;
    const keep = [...liveKeys].filter((k) => this.added.has(k) || this.offsets.has(k));
    // Without live keys (nothing to compare with) keep what was just added.
    const keys = liveKeys.size > 0 ? keep : [...this.added.keys()];
    const tmp = `${this.file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      header.write(MAGIC, 0, 'latin1');
      header.writeUInt32LE(VERSION, 4);
      header.writeUInt32LE(dims, 8);
      await handle.write(header, 0, HEADER_BYTES, 0);
      const block = Buffer.alloc(record * SCAN_RECORDS);
      for (let from = 0; from < keys.length; from += SCAN_RECORDS) {
        const part = keys.slice(from, from + SCAN_RECORDS);
        part.forEach((hex, i) => {
          const v = this.get(Buffer.from(hex, 'hex'))!;
          block.write(hex, i * record, 'hex');
          Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(block, i * record + KEY_BYTES);
        });
        await handle.write(block, 0, part.length * record, HEADER_BYTES + from * record);
      }
    } catch (err) {
      await handle.close();
      await fs.rm(tmp, { force: true });
      throw err;
    }
    await handle.close();
    await fs.rename(tmp, this.file);
    // The new file from now on: reopen it and point every key at its new place.
    this.close();
    this.fd = fsSync.openSync(this.file, 'r');
    this.offsets.clear();
    for (const [i, hex] of keys.entries()) this.offsets.set(hex, HEADER_BYTES + i * record + KEY_BYTES);
    this.added.clear();
    this.validBytes = HEADER_BYTES + keys.length * record;
    this.records = keys.length;
    this.pending = [];
  }
}
