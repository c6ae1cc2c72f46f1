import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { VectorStore } from '@langchain/core/vectorstores';
import { afterEach, describe, expect, it } from 'vitest';
import { CardVectors } from '../../src/retrieval/card-vectors.js';
import { HnswVectorStore } from '../../src/retrieval/hnsw-vector-store.js';
import { LocalEmbeddings } from '../../src/retrieval/local-embeddings.js';

const TEXTS: [string, string, string][] = [
  ['pp#5', 'regulation', 'PNS dilarang memberikan dukungan kepada calon dengan cara ikut kampanye'],
  ['pp#5n2', 'regulation', 'menjadi peserta kampanye dengan menggunakan atribut partai atau atribut PNS'],
  ['uu#280', 'regulation', 'pelaksana kampanye dilarang mengikutsertakan aparatur sipil negara'],
  ['news#1', 'news', 'Bupati mengingatkan ASN agar netral dalam pilkada serentak'],
  ['card:like', 'card', 'like komentar share unggahan akun pemenangan calon di media sosial'],
  ['card:kaos', 'card', 'memakai kaos partai saat datang ke kampanye calon'],
];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function docs(rows = TEXTS): Document[] {
  return rows.map(([id, kind, text]) => new Document({ pageContent: text, metadata: { id, kind } }));
}

async function ids(store: VectorStore, query: string, k: number, filter?: { kind: string }): Promise<string[]> {
  return (await store.similaritySearch(query, k, filter)).map((d) => String(d.metadata.id));
}

describe('HnswVectorStore, a LangChain VectorStore over hnswlib-node', () => {
  it('adds documents through its embedder and finds them, usable wherever a VectorStore is expected', async () => {
    const embeddings = new LocalEmbeddings();
    const store: VectorStore = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    expect((await ids(store, 'ikut kampanye calon', 1))[0]).toBe('pp#5');
    expect(await ids(store, 'like postingan calon di instagram', 2, { kind: 'card' })).toEqual(['card:like', 'card:kaos']);
    const [doc, distance] = (await store.similaritySearchWithScore('Bupati ASN netral pilkada', 1))[0]!;
    expect(doc.metadata).toEqual({ id: 'news#1', kind: 'news' });
    // A cosine distance: 0 for the same direction.
    expect(distance).toBeGreaterThanOrEqual(0);
    expect(distance).toBeLessThan(0.5);
    const retriever = store.asRetriever({ k: 1 });
    expect((await retriever.invoke('atribut partai'))[0]!.metadata.id).toBe('pp#5n2');
  });

  it('deletes in place and reuses the freed slot for the next point', async () => {
    const embeddings = new LocalEmbeddings();
    const store = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    await store.delete({ ids: ['pp#5'] });
    expect(store.liveCount).toBe(TEXTS.length - 1);
    expect(store.deletedCount).toBe(1);
    expect(await ids(store, 'PNS dilarang ikut kampanye', 10)).not.toContain('pp#5');
    await store.addDocuments(docs([['pp#5-baru', 'regulation', 'PNS dilarang ikut kampanye calon presiden']]));
    expect(store.deletedCount).toBe(0);
    expect(store.liveCount).toBe(TEXTS.length);
    expect((await ids(store, 'PNS dilarang ikut kampanye calon presiden', 1))[0]).toBe('pp#5-baru');
    // Re-adding an id replaces its point.
    await store.addDocuments(docs([['news#1', 'news', 'Wali kota meminta pegawai menjaga netralitas']]));
    expect(store.liveCount).toBe(TEXTS.length);
    expect((await ids(store, 'Wali kota netralitas pegawai', 1))[0]).toBe('news#1');
  });

  it('saves ids, not texts, and loads back to the same results, deletions included', async () => {
    const embeddings = new LocalEmbeddings();
    const store = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    await store.delete({ ids: ['uu#280'] });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-hnsw-'));
    dirs.push(dir);
    await store.save(dir);
    const saved = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('\n');
    expect(saved).not.toContain('mengikutsertakan');
    expect(saved).not.toContain('dukungan kepada calon');
    const texts = new Map(TEXTS.map(([id, , text]) => [id, text]));
    const back = await HnswVectorStore.load(dir, embeddings, { textOf: (id) => texts.get(id) });
    for (const q of ['kampanye', 'media sosial', 'atribut', 'aparatur sipil negara kampanye']) {
      expect(await ids(back, q, 5), q).toEqual(await ids(store, q, 5));
    }
    expect(await ids(back, 'mengikutsertakan aparatur sipil negara', 10)).not.toContain('uu#280');
    // Text comes from the resolver given at load.
    expect((await back.similaritySearch('kaos partai', 1))[0]!.pageContent).toBe(texts.get('card:kaos'));
  });

  it('refuses a label table that does not match the index file', async () => {
    const embeddings = new LocalEmbeddings();
    const store = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-hnsw-'));
    dirs.push(dir);
    await store.save(dir);
    const labelsFile = path.join(dir, 'vector-labels.json');
    const labels = JSON.parse(fs.readFileSync(labelsFile, 'utf8')) as { ids: unknown[]; kinds: unknown[] };
    labels.ids.pop();
    labels.kinds.pop();
    fs.writeFileSync(labelsFile, JSON.stringify(labels));
    await expect(HnswVectorStore.load(dir, embeddings)).rejects.toThrow(/tidak cocok/);
    fs.writeFileSync(labelsFile, '{"space":"cosine"}');
    await expect(HnswVectorStore.load(dir, embeddings)).rejects.toThrow(/tidak valid/);
  });
});

describe('HnswVectorStore: loading with the dimensions known, and freeing a graph', () => {
  it('loads the same results when told the dimensions beforehand, and refuses a file of other dimensions', async () => {
    const embeddings = new LocalEmbeddings();
    const store = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-hnsw-'));
    dirs.push(dir);
    await store.save(dir);
    const back = await HnswVectorStore.load(dir, embeddings, { numDimensions: embeddings.dimensions });
    expect(await ids(back, 'ikut kampanye calon', 3)).toEqual(await ids(store, 'ikut kampanye calon', 3));
    await expect(HnswVectorStore.load(dir, embeddings, { numDimensions: 12 })).rejects.toThrow(/dimensi/);
  });

  it('release() frees the graph at once; a search afterwards is an error, never an empty result', async () => {
    const embeddings = new LocalEmbeddings();
    const store = await HnswVectorStore.fromDocuments(docs(), embeddings, { numDimensions: embeddings.dimensions });
    store.release();
    expect(store.liveCount).toBe(0);
    await expect(store.similaritySearch('kampanye', 3)).rejects.toThrow(/release/);
    store.release();
  });
});

describe('CardVectors: exact cosine over the case cards', () => {
  it('ranks every card by cosine similarity, as a brute-force search would', async () => {
    const embeddings = new LocalEmbeddings();
    const vectors = await embeddings.embedDocuments(TEXTS.map(([, , t]) => t));
    const cards = CardVectors.fromVectors(TEXTS.map(([id]) => id), vectors, embeddings.dimensions);
    const q = embeddings.embedQuerySync('like postingan calon di medsos');
    const cosine = (a: number[], b: number[]) => {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        dot += a[i]! * b[i]!;
        na += a[i]! ** 2;
        nb += b[i]! ** 2;
      }
      return dot / Math.sqrt(na * nb);
    };
    const expected = TEXTS.map(([id], i) => ({ id, score: cosine(q, vectors[i]!) })).sort((a, b) => b.score - a.score);
    const got = cards.search(q, TEXTS.length);
    expect(got.map((h) => h.id)).toEqual(expected.map((e) => e.id));
    for (const [i, h] of got.entries()) expect(h.score).toBeCloseTo(expected[i]!.score, 5);
    const back = CardVectors.fromBinary(cards.toBinary());
    expect(back.search(q, 3)).toEqual(cards.search(q, 3));
    expect(Array.from(back.vectorOf('card:like')!)).toEqual(Array.from(Float32Array.from(vectors[4]!)));
  });
});
