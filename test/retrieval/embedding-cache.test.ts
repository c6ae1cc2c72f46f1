import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddingCache, embeddingKey } from '../../src/retrieval/embedding-cache.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-cache-'));
  dirs.push(dir);
  return path.join(dir, 'embedding-cache', 'local-test.f32');
}

const vector = (seed: number, dims = 8) => Array.from({ length: dims }, (_, i) => Math.sin(seed * 7 + i) * 0.5);

describe('the embedding cache: one binary Float32 file', () => {
  it('gives back every vector it was given, as Float32, after a reopen', async () => {
    const file = tempFile();
    const cache = await EmbeddingCache.open(file);
    const texts = ['Pasal 5 huruf n', 'Pasal 9 ayat (2)', 'kartu: like postingan'];
    for (const [i, t] of texts.entries()) cache.set(embeddingKey(t), vector(i));
    await cache.flush(texts.length, () => texts.map(embeddingKey));
    // Header + three records of key (32 bytes) and 8 floats: no JSON, no base64.
    expect(fs.statSync(file).size).toBe(16 + 3 * (32 + 8 * 4));
    const back = await EmbeddingCache.open(file);
    expect(back.dimensions).toBe(8);
    for (const [i, t] of texts.entries()) expect(Array.from(back.get(embeddingKey(t))!)).toEqual(Array.from(Float32Array.from(vector(i))));
    expect(back.get(embeddingKey('never embedded'))).toBeUndefined();
  });

  it('appends new vectors instead of rewriting the file, and ignores a record torn by a crash', async () => {
    const file = tempFile();
    const first = await EmbeddingCache.open(file);
    first.set(embeddingKey('a'), vector(1));
    first.set(embeddingKey('b'), vector(2));
    await first.flush(2, () => [embeddingKey('a'), embeddingKey('b')]);
    const inode = fs.statSync(file).ino;
    // A crash in the middle of the next append leaves half a record.
    fs.appendFileSync(file, Buffer.alloc(20, 7));
    const second = await EmbeddingCache.open(file);
    expect(second.size).toBe(2);
    second.set(embeddingKey('c'), vector(3));
    await second.flush(3, () => ['a', 'b', 'c'].map(embeddingKey));
    expect(fs.statSync(file).ino).toBe(inode);
    const third = await EmbeddingCache.open(file);
    expect(third.size).toBe(3);
    expect(Array.from(third.get(embeddingKey('c'))!)).toEqual(Array.from(Float32Array.from(vector(3))));
    expect(Array.from(third.get(embeddingKey('a'))!)).toEqual(Array.from(Float32Array.from(vector(1))));
  });

  it('drops stale vectors once they outnumber the live ones', async () => {
    const file = tempFile();
    for (let round = 0; round < 4; round++) {
      const cache = await EmbeddingCache.open(file);
      const keys = [0, 1, 2].map((i) => embeddingKey(`round ${round} text ${i}`));
      for (const [i, k] of keys.entries()) cache.set(k, vector(round * 10 + i));
      await cache.flush(keys.length, () => keys);
    }
    const cache = await EmbeddingCache.open(file);
    expect(cache.size).toBeLessThanOrEqual(6);
    expect(cache.get(embeddingKey('round 3 text 2'))).toBeDefined();
    expect(cache.get(embeddingKey('round 0 text 0'))).toBeUndefined();
  });

  it('treats a foreign or damaged file as empty, and refuses vectors of another length', async () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"abc": "base64-from-an-old-cache"}');
    const cache = await EmbeddingCache.open(file);
    expect(cache.size).toBe(0);
    cache.set(embeddingKey('x'), vector(1, 4));
    expect(() => cache.set(embeddingKey('y'), vector(1, 5))).toThrow(/dimensions/);
    await cache.flush(1, () => [embeddingKey('x')]);
    expect((await EmbeddingCache.open(file, 4)).size).toBe(1);
    expect((await EmbeddingCache.open(file, 1024)).size).toBe(0);
  });

  it('reads only the keys when opened: thousands of records across scan blocks, a torn tail, vectors read when asked for', async () => {
    const file = tempFile();
    const first = await EmbeddingCache.open(file);
    const keys = Array.from({ length: 2500 }, (_, i) => embeddingKey(`teks ${i}`));
    for (const [i, k] of keys.entries()) first.set(k, vector(i, 4));
    await first.flush(keys.length, () => keys);
    // Still readable after the flush, from the file now rather than memory.
    expect(Array.from(first.get(keys[2499]!)!)).toEqual(Array.from(Float32Array.from(vector(2499, 4))));
    first.close();
    fs.appendFileSync(file, Buffer.alloc(30, 9));
    const back = await EmbeddingCache.open(file);
    expect(back.size).toBe(2500);
    for (const i of [0, 1023, 1024, 2047, 2048, 2499]) {
      expect(back.has(keys[i]!)).toBe(true);
      expect(Array.from(back.get(keys[i]!)!)).toEqual(Array.from(Float32Array.from(vector(i, 4))));
    }
    expect(back.has(embeddingKey('tidak ada'))).toBe(false);
    back.close();
  });

  it('after a compaction the same cache object reads its vectors from the new file', async () => {
    const file = tempFile();
    const cache = await EmbeddingCache.open(file);
    const old = [0, 1, 2, 3, 4].map((i) => embeddingKey(`lama ${i}`));
    for (const [i, k] of old.entries()) cache.set(k, vector(i));
    await cache.flush(5, () => old);
    const live = [old[4]!, embeddingKey('baru')];
    cache.set(live[1]!, vector(99));
    // 6 records for 2 live ones: rewritten with only those two.
    await cache.flush(2, () => live);
    expect(cache.size).toBe(2);
    expect(fs.statSync(file).size).toBe(16 + 2 * (32 + 8 * 4));
    expect(Array.from(cache.get(old[4]!)!)).toEqual(Array.from(Float32Array.from(vector(4))));
    expect(Array.from(cache.get(live[1]!)!)).toEqual(Array.from(Float32Array.from(vector(99))));
    expect(cache.get(old[0]!)).toBeUndefined();
    cache.close();
  });
});
