import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { BENCH_QUESTIONS } from '../../scripts/bench.js';
import { chunkKnowledge, type KnowledgeChunk } from '../../src/knowledge/chunk-knowledge.js';
import { loadKnowledge } from '../../src/knowledge/load-knowledge.js';
import { analyzeDocument, analyzeQuery, weightedQueryTerms } from '../../src/retrieval/indonesian-analyzer.js';
import { z } from 'zod';
import { BinaryArraysFileError, decodeArraysFile, encodeArraysFile } from '../../src/retrieval/binary-arrays-file.js';
import { LexicalIndex } from '../../src/retrieval/lexical-index.js';
import { KNOWLEDGE_DIR } from '../support/test-app.js';

/**
 * The BM25 index Netra answered from before (MiniSearch, with these options) is the reference:
 * the typed-array index must give the same chunks with the same scores in the same order, so
 * replacing the engine changed no answer.
 */
function referenceIndex(chunks: KnowledgeChunk[]) {
  const options = {
    idField: 'id',
    fields: ['label', 'text'],
    storeFields: ['kind'],
    tokenize: (text: string) => analyzeDocument(text),
    processTerm: (term: string) => term,
    searchOptions: { boost: { label: 1.5 }, tokenize: (text: string) => [...new Set(analyzeQuery(text))], processTerm: (t: string) => t },
  };
  const ms = new MiniSearch(options);
  ms.addAll(chunks.map((c) => ({ id: c.id, label: c.label, text: c.text, kind: c.kind })));
  return (text: string, k: number, kind?: string) => {
    const weights = weightedQueryTerms(text);
    return ms
      .search(text, { boostTerm: (term) => weights.get(term) ?? 1, ...(kind ? { filter: (r) => r.kind === kind } : {}) })
      .slice(0, k)
      .map((r) => ({ id: String(r.id), score: r.score }));
  };
}

let chunks: KnowledgeChunk[];
let index: LexicalIndex;
const questions = [
  ...BENCH_QUESTIONS.map((b) => b.question),
  'Apa isi Pasal 280 ayat (2) UU Pemilu?',
  'PNS kan harus netral, tapi bolehkah PNS jadi tim sukses?',
  'sy mau bikin konten buat suami yg nyaleg, blh?',
  '',
  'zzzz qqqq',
];

beforeAll(async () => {
  chunks = chunkKnowledge(await loadKnowledge(KNOWLEDGE_DIR));
  index = LexicalIndex.build(chunks);
});

describe('BM25 over typed arrays', () => {
  it('ranks and scores exactly as the MiniSearch index did, over all chunks and per kind', () => {
    const reference = referenceIndex(chunks);
    for (const q of questions) {
      for (const [k, kind] of [[60, undefined], [30, 'card'], [10, 'regulation'], [10, 'news']] as const) {
        const expected = reference(q, k, kind);
        const got = index.query(q, k, kind).map(({ id, score }) => ({ id, score }));
        expect(got, `${kind ?? 'all'}: ${q}`).toEqual(expected);
      }
    }
  });

  it('a card-only search returns only cards, ranked by corpus-wide statistics', () => {
    const hits = index.query('Bolehkah PNS like postingan caleg di Instagram?', 10, 'card');
    expect(hits.length).toBeGreaterThan(3);
    expect(hits.every((h) => h.id.startsWith('card:'))).toBe(true);
    expect(hits[0]!.id).toMatch(/like|medsos/);
    expect(hits.map((h) => h.rank)).toEqual(hits.map((_, i) => i));
  });

  it('updating with one chunk changed, one added and one removed equals a fresh build of the result', () => {
    const changed = chunks.map((c, i) => (i === 5 ? { ...c, text: `${c.text} kampanye terselubung di media sosial` } : c));
    const added: KnowledgeChunk = { ...chunks[7]!, id: `${chunks[7]!.id}-baru`, text: 'Pegawai dilarang memasang stiker kandidat pada kendaraan dinas Kelurahan Sukamaju.' };
    const next = [...changed.slice(0, 8), added, ...changed.slice(8).filter((_, i) => i !== 3)];
    const before = new Map(chunks.map((c) => [c.id, c]));
    const unchanged = (c: KnowledgeChunk) => before.get(c.id)?.text === c.text && before.get(c.id)?.label === c.label;
    const updated = LexicalIndex.update(index, next, unchanged);
    const fresh = LexicalIndex.build(next);
    for (const q of [...questions, 'stiker kandidat kendaraan dinas Sukamaju', 'kampanye terselubung']) {
      expect(updated.query(q, 60), q).toEqual(fresh.query(q, 60));
      expect(updated.query(q, 30, 'card'), q).toEqual(fresh.query(q, 30, 'card'));
    }
    expect(updated.toData().documents).toEqual(fresh.toData().documents);
    expect(Array.from(updated.toData().fieldLength)).toEqual(Array.from(fresh.toData().fieldLength));
    expect(new Set(updated.toData().terms)).toEqual(new Set(fresh.toData().terms));
    expect(new Set(updated.termsOnlyIn('news'))).toEqual(new Set(fresh.termsOnlyIn('news')));
    expect(updated.query('Sukamaju', 5).map((h) => h.id)).toEqual([added.id]);
  });

  it('the news-only vocabulary holds news words that no regulation or card uses', () => {
    const vocab = new Set(index.termsOnlyIn('news'));
    const other = new Set(chunks.filter((c) => c.kind !== 'news').flatMap((c) => analyzeDocument(c.text)));
    const news = new Set(chunks.filter((c) => c.kind === 'news').flatMap((c) => analyzeDocument(c.text)));
    expect(vocab).toEqual(new Set([...news].filter((t) => !other.has(t))));
    expect(vocab.size).toBeGreaterThan(20);
  });

  it('survives a round trip through its binary file, and refuses a truncated or garbled one', () => {
    const bytes = index.toBinary();
    const back = LexicalIndex.fromBinary(bytes, chunks);
    for (const q of questions) expect(back.query(q, 60), q).toEqual(index.query(q, 60));
    expect(() => LexicalIndex.fromBinary(bytes.subarray(0, Math.floor(bytes.length / 2)), chunks)).toThrow(BinaryArraysFileError);
    const garbled = Buffer.from(bytes);
    garbled.write('#%&!', 14, 'latin1');
    expect(() => LexicalIndex.fromBinary(garbled, chunks)).toThrow(BinaryArraysFileError);
    // Read over other chunks (one missing): refused.
    expect(() => LexicalIndex.fromBinary(bytes, chunks.slice(1))).toThrow(/other chunks/);
    // Well-formed arrays that do not fit together: a posting naming a document beyond the last one.
    const d = index.toData();
    const postingDoc = Uint32Array.from(d.postingDoc);
    postingDoc[postingDoc.length - 1] = d.documents.length + 5;
    const meta = decodeArraysFile(bytes, z.object({ documentsHash: z.string() }).loose()).meta;
    const bad = encodeArraysFile(
      { documentsHash: meta.documentsHash, documents: d.documents.length, terms: d.terms },
      { fieldLength: d.fieldLength, postingStart: d.postingStart, postingDoc, postingTf: d.postingTf },
    );
    expect(() => LexicalIndex.fromBinary(bad, chunks)).toThrow(/names a document that does not exist/);
  });

  it('stores ordinals and term counts as narrow as they fit, and still reads them right when a count needs 16 bits', () => {
    const header = (bytes: Buffer) => JSON.parse(bytes.toString('utf8', 12, 12 + bytes.readUInt32LE(8))) as { arrays: { name: string; kind: string }[] };
    const kinds = Object.fromEntries(header(index.toBinary()).arrays.map((a) => [a.name, a.kind]));
    // Fewer than 65,536 chunks and no word 256 times in one chunk: 16-bit ordinals, 8-bit counts.
    expect(kinds).toMatchObject({ postingDoc: 'u16', postingTf: 'u8' });

    const chatty: KnowledgeChunk = { ...chunks[0]!, id: `${chunks[0]!.id}-ulang`, text: `${'kampanye '.repeat(300)}netralitas` };
    const wide = LexicalIndex.build([...chunks, chatty]);
    const bytes = wide.toBinary();
    expect(Object.fromEntries(header(bytes).arrays.map((a) => [a.name, a.kind]))).toMatchObject({ postingTf: 'u16' });
    const back = LexicalIndex.fromBinary(bytes, [...chunks, chatty]);
    for (const q of ['kampanye netralitas', ...questions.slice(0, 20)]) expect(back.query(q, 30), q).toEqual(wide.query(q, 30));
    // Cut inside the last (narrow) array: refused, not read short.
    expect(() => LexicalIndex.fromBinary(bytes.subarray(0, bytes.length - 9), [...chunks, chatty])).toThrow(BinaryArraysFileError);
  });
});
