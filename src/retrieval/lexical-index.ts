import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import { BinaryArraysFileError, decodeArraysFile, encodeArraysFile, requireArray, type StoredArray } from './binary-arrays-file.js';
import { stringArray } from './bulk-schemas.js';
import { analyzeDocument, analyzeQuery, weightedQueryTerms } from './indonesian-analyzer.js';

/** A scored hit from one of the indexes; `rank` starts at 0. */
export interface IndexHit {
  id: string;
  score: number;
  rank: number;
}

export type ChunkKind = KnowledgeChunk['kind'];

/** Kinds in the order their postings are stored; a kind-restricted query reads only its own. */
export const CHUNK_KINDS: readonly ChunkKind[] = ['regulation', 'news', 'card'];
const KIND_COUNT = CHUNK_KINDS.length;
const KIND_CODE: Record<ChunkKind, number> = { regulation: 0, news: 1, card: 2 };

const LexicalMetaSchema = z.object({
  /** sha256 of the chunk ids in order: the chunks the index was built over (they are stored elsewhere). */
  documentsHash: z.string().regex(/^[0-9a-f]{64}$/),
  documents: z.number().int().min(0),
  terms: stringArray(),
});

/** Identifies a chunk list by its ids and kinds, in order. */
function documentsHash(documents: readonly LexicalDocument[]): string {
  // One update of the joined text: the same hash as an update per part, without 190,000 calls at 100×.
  return createHash('sha256')
    .update(documents.map((d) => `${d.id}\u0000${d.kind}\u0001`).join(''))
    .digest('hex');
}

/** A stored unsigned array, whichever width it was written in. */
function unsignedArray(arrays: Map<string, StoredArray>, name: string): UnsignedArray {
  const a = arrays.get(name);
  if (a instanceof Uint8Array || a instanceof Uint16Array || a instanceof Uint32Array) return a;
  throw new BinaryArraysFileError(`array "${name}" (u8, u16 or u32) is missing`);
}

/** Indexed fields, in the order they are scored; the label (`PP 94/2021 › Pasal 5 › huruf n`) weighs more. */
const FIELD_BOOSTS = [1.5, 1] as const;
const FIELD_COUNT = FIELD_BOOSTS.length;

/** BM25+ parameters (MiniSearch's defaults, which the answers were tuned with). */
const K = 1.2;
const B = 0.7;
const D = 0.5;

/** Posting ordinals and term counts, stored as narrow as they fit. */
export type UnsignedArray = Uint8Array | Uint16Array | Uint32Array;

/** `counts` in the narrowest unsigned array that holds every value (a copy unless it is already that narrow). */
function narrowest(counts: UnsignedArray): UnsignedArray {
  let max = 0;
  for (let i = 0; i < counts.length; i++) if (counts[i]! > max) max = counts[i]!;
  if (max <= 0xff) return counts instanceof Uint8Array ? counts : Uint8Array.from(counts);
  if (max <= 0xffff) return counts instanceof Uint16Array ? counts : Uint16Array.from(counts);
  return counts instanceof Uint32Array ? counts : Uint32Array.from(counts);
}

/** What the index keeps of one chunk: its id and kind (the text lives once, in chunks.json). */
export interface LexicalDocument {
  id: string;
  kind: ChunkKind;
}

/** The arrays an index is made of; what {@link LexicalIndex.toBinary} writes. */
export interface LexicalIndexData {
  documents: LexicalDocument[];
  terms: string[];
  /** Unique terms per document and field: `fieldLength[doc * FIELD_COUNT + field]`. */
  fieldLength: Uint32Array;
  /**
   * Start of each posting list in `postingDoc`/`postingTf`, one list per term, field and kind:
   * slot `(term * FIELD_COUNT + field) * KIND_COUNT + kind`; one more entry closes the last list.
   */
  postingStart: Uint32Array;
  /** Document ordinals, ascending within each list; 16 bits while there are fewer than 65,536 chunks. */
  postingDoc: UnsignedArray;
  /**
   * How often the term occurs in that field of that document, in the narrowest array that holds
   * the largest count (a byte in practice: a term rarely occurs 255 times in one article), a
   * quarter of the memory and of the file a 32-bit array takes.
   */
  postingTf: UnsignedArray;
}

/** One analysed field: term → frequency, and its length in unique tokens. */
interface AnalysedField {
  tf: Map<string, number>;
  length: number;
}

/** The analysed fields of one chunk, in {@link FIELD_BOOSTS} order. */
type AnalysedChunk = [AnalysedField, AnalysedField];


function analyse(chunk: Pick<KnowledgeChunk, 'label' | 'text'>): AnalysedChunk {
  return [analyseField(chunk.label), analyseField(chunk.text)];
}

function analyseField(text: string): AnalysedField {
  const tokens = analyzeDocument(text);
  const tf = new Map<string, number>();
  // An empty token counts towards the length but is not indexed, as in MiniSearch.
  for (const t of tokens) if (t) tf.set(t, (tf.get(t) ?? 0) + 1);
  return { tf, length: new Set(tokens).size };
}

/**
 * BM25 over the chunks with Indonesian analysis (stop words, Sastrawi stems, slang expansion on
 * the query side), on flat typed arrays: a question costs a pass over the posting lists of its
 * terms, with no per-document objects, so it stays fast at tens of thousands of chunks.
 *
 * Scores are exactly those of the MiniSearch index Netra used before (BM25+ with k 1.2, b 0.7,
 * d 0.5; field length = unique terms; label boosted 1.5; each term weighted as the question
 * wrote it or as a slang expansion; the sum multiplied by the number of query terms matched), and
 * ties keep MiniSearch's order, so answers did not change with the engine.
 *
 * Postings are kept per chunk kind, so a search restricted to the case cards reads only card
 * postings while document frequencies stay those of the whole corpus — the same ranks as
 * scoring everything and filtering, at the cost of the cards alone.
 */
export class LexicalIndex {
  private readonly termIds: Map<string, number>;
  private readonly avgFieldLength: number[];
  /** Per-query scratch space, reused: one slot per document. */
  private scratch?: {
    score: Float64Array;
    termScore: Float64Array;
    matched: Uint16Array;
    firstKey: Uint32Array;
    seenQuery: Uint32Array;
    seenTerm: Uint32Array;
    touched: Uint32Array;
    termTouched: Uint32Array;
    query: number;
    nextStamp: number;
  };
  /** `K * (1 - B + B * length / average)` per document and field: the part of BM25 that depends only on the document. */
  private readonly lengthNorm: Float64Array;

  private constructor(private readonly data: LexicalIndexData) {
    this.termIds = new Map(data.terms.map((t, i) => [t, i]));
    this.avgFieldLength = runningAverages(data.fieldLength, data.documents.length);
    this.lengthNorm = new Float64Array(data.fieldLength.length);
    for (let i = 0; i < data.fieldLength.length; i++) {
      this.lengthNorm[i] = K * (1 - B + (B * data.fieldLength[i]!) / this.avgFieldLength[i % FIELD_COUNT]!);
    }
  }

  get size(): number {
    return this.data.documents.length;
  }

  /** Indexes `chunks` from scratch. */
  static build(chunks: readonly KnowledgeChunk[]): LexicalIndex {
    const analysed = chunks.map(analyse);
    const terms: string[] = [];
    const termIds = new Map<string, number>();
    for (const a of analysed) {
      for (const field of a) {
        for (const t of field.tf.keys()) {
          if (!termIds.has(t)) {
            termIds.set(t, terms.length);
            terms.push(t);
          }
        }
      }
    }
    const n = chunks.length;
    const slotsPerTerm = FIELD_COUNT * KIND_COUNT;
    const fieldLength = new Uint32Array(n * FIELD_COUNT);
    const counts = new Uint32Array(terms.length * slotsPerTerm);
    analysed.forEach((a, doc) => {
      const kind = KIND_CODE[chunks[doc]!.kind];
      a.forEach((field, f) => {
        fieldLength[doc * FIELD_COUNT + f] = field.length;
        for (const t of field.tf.keys()) counts[(termIds.get(t)! * FIELD_COUNT + f) * KIND_COUNT + kind]!++;
      });
    });
    const postingStart = new Uint32Array(counts.length + 1);
    for (let slot = 0; slot < counts.length; slot++) postingStart[slot + 1] = postingStart[slot]! + counts[slot]!;
    const total = postingStart[counts.length]!;
    const fill = postingStart.slice(0, counts.length);
    const postingDoc = new Uint32Array(total);
    const postingTf = new Uint32Array(total);
    // Documents in ordinal order, so every list comes out sorted.
    analysed.forEach((a, doc) => {
      const kind = KIND_CODE[chunks[doc]!.kind];
      a.forEach((field, f) => {
        for (const [t, tf] of field.tf) {
          const at = fill[(termIds.get(t)! * FIELD_COUNT + f) * KIND_COUNT + kind]!++;
          postingDoc[at] = doc;
          postingTf[at] = tf;
        }
      });
    });
    return new LexicalIndex({
      documents: chunks.map((c) => ({ id: c.id, kind: c.kind })),
      terms,
      fieldLength,
      postingStart,
      postingDoc: narrowest(postingDoc),
      postingTf: narrowest(postingTf),
    });
  }

  /**
   * The index of `chunks`, reusing the analysis of every chunk `previous` already holds with the
   * same id and source (`unchanged`), and analysing only the others: a one-document change costs
   * that document plus one pass over the postings. The result is the index a full build of
   * `chunks` gives, document ordinals included (they follow `chunks`).
   */
  static update(
    previous: LexicalIndex | undefined,
    chunks: readonly KnowledgeChunk[],
    unchanged: (chunk: KnowledgeChunk) => boolean = () => false,
  ): LexicalIndex {
    return previous ? LexicalIndex.merge(previous, chunks, unchanged) : LexicalIndex.build(chunks);
  }

  /**
   * {@link update} from a previous index: one pass over its posting lists, keeping the postings of
   * unchanged chunks (renumbered to their new ordinals, which keep their order) and merging in the
   * analysed postings of the others — no per-document regrouping, so a one-document change costs
   * a copy of the postings, not a re-analysis.
   */
  private static merge(previous: LexicalIndex, chunks: readonly KnowledgeChunk[], unchanged: (chunk: KnowledgeChunk) => boolean): LexicalIndex {
    const old = previous.data;
    const oldOrdinal = new Map<string, number>();
    old.documents.forEach((d, i) => {
      oldOrdinal.set(d.id, i);
    });
    const oldToNew = new Int32Array(old.documents.length).fill(-1);
    const n = chunks.length;
    const fieldLength = new Uint32Array(n * FIELD_COUNT);
    const terms = [...old.terms];
    const termIds = new Map(previous.termIds);
    // Postings of the analysed chunks, per slot, in ordinal order.
    const fresh = new Map<number, number[]>();
    let lastOld = -1;
    for (let doc = 0; doc < n; doc++) {
      const c = chunks[doc]!;
      const o = unchanged(c) ? oldOrdinal.get(c.id) : undefined;
      if (o !== undefined && o > lastOld) {
        oldToNew[o] = doc;
        lastOld = o;
        for (let f = 0; f < FIELD_COUNT; f++) fieldLength[doc * FIELD_COUNT + f] = old.fieldLength[o * FIELD_COUNT + f]!;
        continue;
      }
      const kind = KIND_CODE[c.kind];
      analyse(c).forEach((field, f) => {
        fieldLength[doc * FIELD_COUNT + f] = field.length;
        for (const [t, tf] of field.tf) {
          let id = termIds.get(t);
          if (id === undefined) {
            id = terms.length;
            termIds.set(t, id);
            terms.push(t);
          }
          const slot = (id * FIELD_COUNT + f) * KIND_COUNT + kind;
          const list = fresh.get(slot);
          if (list) list.push(doc, tf);
          else fresh.set(slot, [doc, tf]);
        }
      });
    }
    let freshTotal = 0;
    for (const list of fresh.values()) freshTotal += list.length / 2;
    const slotsPerTerm = FIELD_COUNT * KIND_COUNT;
    const postingDoc = new Uint32Array(old.postingDoc.length + freshTotal);
    const postingTf = new Uint32Array(old.postingDoc.length + freshTotal);
    const starts: number[] = [];
    const keptTerms: string[] = [];
    let at = 0;
    const oldSlots = old.postingStart.length - 1;
    for (let t = 0; t < terms.length; t++) {
      const termStart = at;
      const slotStarts: number[] = [];
      for (let s = 0; s < slotsPerTerm; s++) {
        slotStarts.push(at);
        const slot = t * slotsPerTerm + s;
        const extra = fresh.get(slot);
        let e = 0;
        if (slot < oldSlots) {
          const to = old.postingStart[slot + 1]!;
          for (let p = old.postingStart[slot]!; p < to; p++) {
            const doc = oldToNew[old.postingDoc[p]!]!;
            if (doc < 0) continue;
            // Fresh postings of lower ordinals go first, so the list stays sorted.
            while (extra && e < extra.length && extra[e]! < doc) {
              postingDoc[at] = extra[e]!;
              postingTf[at++] = extra[e + 1]!;
              e += 2;
            }
            postingDoc[at] = doc;
            postingTf[at++] = old.postingTf[p]!;
          }
        }
        while (extra && e < extra.length) {
          postingDoc[at] = extra[e]!;
          postingTf[at++] = extra[e + 1]!;
          e += 2;
        }
      }
      // A term no chunk uses any more (a removed document's own words) is dropped.
      if (at === termStart) continue;
      keptTerms.push(terms[t]!);
      starts.push(...slotStarts);
    }
    starts.push(at);
    return new LexicalIndex({
      documents: chunks.map((c) => ({ id: c.id, kind: c.kind })),
      terms: keptTerms,
      fieldLength,
      postingStart: Uint32Array.from(starts),
      postingDoc: narrowest(postingDoc.subarray(0, at)),
      postingTf: narrowest(postingTf.subarray(0, at)),
    });
  }

  /** The arrays the index is made of (read only). */
  toData(): Readonly<LexicalIndexData> {
    return this.data;
  }

  /**
   * The index as one binary file (see binary-arrays-file.ts). The chunks themselves are not in
   * it, only a hash of their ids: the loader passes the chunks it has.
   */
  toBinary(): Buffer {
    const { documents, terms, fieldLength, postingStart, postingDoc, postingTf } = this.data;
    return encodeArraysFile(
      { documentsHash: documentsHash(documents), documents: documents.length, terms },
      { fieldLength, postingStart, postingDoc, postingTf },
    );
  }

  /**
   * Reads an index written by {@link toBinary} over `documents` (the same chunks, in the same
   * order, or it is refused), checking that its arrays are consistent (every list inside the
   * postings, every ordinal a document), so a damaged file is refused, not searched.
   */
  static fromBinary(buffer: Buffer, documents: readonly LexicalDocument[]): LexicalIndex {
    const { meta, arrays } = decodeArraysFile(buffer, LexicalMetaSchema);
    if (meta.documents !== documents.length || meta.documentsHash !== documentsHash(documents)) {
      throw new BinaryArraysFileError('the index was built over other chunks');
    }
    const data: LexicalIndexData = {
      documents: documents.map((d) => ({ id: d.id, kind: d.kind })),
      terms: meta.terms,
      fieldLength: requireArray(arrays, 'fieldLength', 'u32'),
      postingStart: requireArray(arrays, 'postingStart', 'u32'),
      postingDoc: unsignedArray(arrays, 'postingDoc'),
      postingTf: unsignedArray(arrays, 'postingTf'),
    };
    const n = data.documents.length;
    const slots = data.terms.length * FIELD_COUNT * KIND_COUNT;
    if (data.fieldLength.length !== n * FIELD_COUNT) throw new BinaryArraysFileError('field lengths do not match the documents');
    if (data.postingStart.length !== slots + 1) throw new BinaryArraysFileError('posting offsets do not match the terms');
    if (data.postingDoc.length !== data.postingTf.length || data.postingStart[slots] !== data.postingDoc.length) {
      throw new BinaryArraysFileError('posting lists do not match their offsets');
    }
    for (let i = 0; i < slots; i++) {
      if (data.postingStart[i]! > data.postingStart[i + 1]!) throw new BinaryArraysFileError('posting offsets are not ordered');
    }
    for (let p = 0; p < data.postingDoc.length; p++) {
      if (data.postingDoc[p]! >= n) throw new BinaryArraysFileError('a posting names a document that does not exist');
    }
    return new LexicalIndex(data);
  }

  /**
   * Terms of the `text` field that only chunks of `kind` contain, e.g. the names and places that
   * occur in news articles but in no regulation or case card.
   */
  termsOnlyIn(kind: ChunkKind): string[] {
    const { postingStart, terms } = this.data;
    const own = KIND_CODE[kind];
    const text = 1;
    const out: string[] = [];
    for (let t = 0; t < terms.length; t++) {
      const base = (t * FIELD_COUNT + text) * KIND_COUNT;
      let inOwn = false;
      let inOther = false;
      for (let k = 0; k < KIND_COUNT; k++) {
        const has = postingStart[base + k + 1]! > postingStart[base + k]!;
        if (k === own) inOwn ||= has;
        else inOther ||= has;
      }
      if (inOwn && !inOther) out.push(terms[t]!);
    }
    return out;
  }

  /** The `k` best chunks for `text`; `kind` restricts the search to one kind of chunk (e.g. case cards). */
  query(text: string, k: number, kind?: ChunkKind): IndexHit[] {
    const queryTerms = [...new Set(analyzeQuery(text))].filter((t) => t.length > 0);
    const weights = weightedQueryTerms(text);
    const { documents, postingStart, postingDoc, postingTf } = this.data;
    const n = documents.length;
    const s = this.scratchFor(n);
    const { score, termScore, matched, firstKey, seenQuery, seenTerm, touched, termTouched } = s;
    const norm = this.lengthNorm;
    const query = ++s.query;
    let touchedCount = 0;
    const kindFrom = kind === undefined ? 0 : KIND_CODE[kind];
    const kindTo = kind === undefined ? KIND_COUNT : kindFrom + 1;

    for (let i = 0; i < queryTerms.length; i++) {
      const term = queryTerms[i]!;
      const t = this.termIds.get(term);
      if (t === undefined) continue;
      const termBoost = weights.get(term) ?? 1;
      // Stamps are unique per (query, term), so no array needs clearing between terms or questions.
      const stamp = s.nextStamp++;
      let termTouchedCount = 0;
      for (let f = 0; f < FIELD_COUNT; f++) {
        const base: number = (t * FIELD_COUNT + f) * KIND_COUNT;
        const df = postingStart[base + KIND_COUNT]! - postingStart[base]!;
        if (df === 0) continue;
        const invDocFreq = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const boost = termBoost * FIELD_BOOSTS[f]!;
        const from = postingStart[base + kindFrom]!;
        const to = postingStart[base + kindTo]!;
        for (let p: number = from; p < to; p++) {
          const doc = postingDoc[p]!;
          const termFreq = postingTf[p]!;
          // MiniSearch's calcBM25Score with its order of operations (the length part precomputed), so scores match to the bit.
          const weighted = boost * 1 * (invDocFreq * (D + (termFreq * (K + 1)) / (termFreq + norm[doc * FIELD_COUNT + f]!)));
          if (seenTerm[doc] === stamp) {
            termScore[doc] = termScore[doc]! + weighted;
          } else {
            seenTerm[doc] = stamp;
            termScore[doc] = weighted;
            termTouched[termTouchedCount++] = doc;
            if (seenQuery[doc] !== query) {
              seenQuery[doc] = query;
              matched[doc] = 0;
              // MiniSearch's order among equal scores: first query term matched, its field, then ordinal.
              firstKey[doc] = i * FIELD_COUNT + f;
              touched[touchedCount++] = doc;
            }
          }
        }
      }
      // A term's fields are summed before the term is added, as MiniSearch combines per-term results.
      for (let j = 0; j < termTouchedCount; j++) {
        const doc = termTouched[j]!;
        score[doc] = matched[doc] === 0 ? termScore[doc]! : score[doc]! + termScore[doc]!;
        matched[doc]!++;
      }
    }

    const best = topK(s, touchedCount, k);
    return best.map((doc, rank) => ({ id: documents[doc]!.id, score: score[doc]! * matched[doc]!, rank }));
  }

  private scratchFor(n: number): NonNullable<LexicalIndex['scratch']> {
    if (!this.scratch || this.scratch.score.length < n) {
      this.scratch = {
        score: new Float64Array(n),
        termScore: new Float64Array(n),
        matched: new Uint16Array(n),
        firstKey: new Uint32Array(n),
        seenQuery: new Uint32Array(n),
        seenTerm: new Uint32Array(n),
        touched: new Uint32Array(n),
        termTouched: new Uint32Array(n),
        query: 0,
        nextStamp: 1,
      };
    }
    if (this.scratch.query >= 0xfffffff0 || this.scratch.nextStamp >= 0xfffffff0) {
      this.scratch.seenQuery.fill(0);
      this.scratch.seenTerm.fill(0);
      this.scratch.query = 0;
      this.scratch.nextStamp = 1;
    }
    return this.scratch;
  }
}

/**
 * Average unique terms per field, accumulated document by document in ordinal order exactly as
 * MiniSearch does while adding, so the floating-point result (and every score) is identical.
 */
function runningAverages(fieldLength: Uint32Array, n: number): number[] {
  const avg: number[] = new Array<number>(FIELD_COUNT).fill(0);
  for (let doc = 0; doc < n; doc++) {
    for (let f = 0; f < FIELD_COUNT; f++) {
      avg[f] = (avg[f]! * doc + fieldLength[doc * FIELD_COUNT + f]!) / (doc + 1);
    }
  }
  return avg;
}

/** The `k` best touched documents: score × terms matched, descending; ties in MiniSearch's order. */
function topK(s: NonNullable<LexicalIndex['scratch']>, touchedCount: number, k: number): number[] {
  const final = (doc: number) => s.score[doc]! * s.matched[doc]!;
  // a before b?
  const better = (a: number, b: number) => {
    const fa = final(a);
    const fb = final(b);
    if (fa !== fb) return fa > fb;
    if (s.firstKey[a] !== s.firstKey[b]) return s.firstKey[a]! < s.firstKey[b]!;
    return a < b;
  };
  // A min-heap of the best k (its root is the worst of them).
  const heap: number[] = [];
  const siftUp = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!better(heap[parent]!, heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === i) return;
      [heap[worst], heap[i]] = [heap[i]!, heap[worst]!];
      i = worst;
    }
  };
  for (let j = 0; j < touchedCount; j++) {
    const doc = s.touched[j]!;
    if (heap.length < k) {
      heap.push(doc);
      siftUp(heap.length - 1);
    } else if (k > 0 && better(doc, heap[0]!)) {
      heap[0] = doc;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
}
