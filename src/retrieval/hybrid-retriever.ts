import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import type { LoadedIndex } from './index-store.js';
import type { IndexHit } from './lexical-index.js';
import { LocalEmbeddings } from './local-embeddings.js';

export type RetrievalMode = 'hybrid' | 'lexical' | 'vector';

/** A retrieved chunk with its fused score and the ranks that produced it. */
export interface ScoredChunk {
  chunk: KnowledgeChunk;
  score: number;
  lexicalRank?: number;
  vectorRank?: number;
  /** Cosine similarity of the question and the chunk (0–1), when the vector index found it. */
  vectorScore?: number;
}

export interface HybridRetrieverInput extends BaseRetrieverInput {
  /** Returns the index to search; a function so a hot re-index swaps it under a running retriever. */
  index: () => LoadedIndex;
  k?: number;
  mode?: RetrievalMode;
  /** Reciprocal-rank-fusion constant: higher flattens the difference between ranks. */
  rrfK?: number;
}

/**
 * Hybrid retrieval: BM25 over Indonesian-analysed text and cosine kNN on hnswlib, fused by
 * reciprocal rank fusion. A LangChain {@link BaseRetriever}, so it composes with any chain;
 * {@link search} gives the scores the composers need.
 */
export class HybridRetriever extends BaseRetriever {
  lc_namespace = ['netra', 'retrieval'];
  private readonly getIndex: () => LoadedIndex;
  readonly k: number;
  readonly mode: RetrievalMode;
  private readonly rrfK: number;
  private lastQuery: { index: LoadedIndex; query: string; vector: number[] } | undefined;

  constructor(input: HybridRetrieverInput) {
    super(input);
    this.getIndex = input.index;
    this.k = input.k ?? 12;
    this.mode = input.mode ?? 'hybrid';
    this.rrfK = input.rrfK ?? 20;
  }

  async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    const hits = await this.search(query, this.k);
    return hits.map(
      (h) =>
        new Document({
          pageContent: h.chunk.text,
          metadata: { id: h.chunk.id, docId: h.chunk.docId, ref: h.chunk.ref, kind: h.chunk.kind, score: h.score },
        }),
    );
  }

  /**
   * The `k` best chunks for `query`, best first; `kind` restricts the search to one kind of chunk.
   * `'card'` searches the case cards alone — BM25 over the cards' postings and exact cosine over
   * the cards' vectors — so its cost does not grow with the number of regulations.
   */
  async search(query: string, k = this.k, kind?: KnowledgeChunk['kind']): Promise<ScoredChunk[]> {
    const index = this.getIndex();
    const depth = Math.min(Math.max(k * 3, 30), index.chunks.length);
    const lexical = this.mode === 'vector' ? [] : index.lexical.query(query, depth, kind);
    const vector = this.mode === 'lexical' ? [] : await this.vectorHits(index, query, depth, kind);
    const fused = new Map<string, ScoredChunk>();
    const add = (hits: IndexHit[], which: 'lexicalRank' | 'vectorRank') => {
      for (const h of hits) {
        const chunk = index.chunkById.get(h.id);
        if (!chunk) continue;
        const entry = fused.get(h.id) ?? { chunk, score: 0 };
        entry.score += 1 / (this.rrfK + h.rank + 1);
        entry[which] = h.rank;
        if (which === 'vectorRank') entry.vectorScore = h.score;
        fused.set(h.id, entry);
      }
    };
    add(lexical, 'lexicalRank');
    add(vector, 'vectorRank');
    return [...fused.values()].sort((a, b) => b.score - a.score).slice(0, k);
  }

  private async vectorHits(index: LoadedIndex, query: string, depth: number, kind?: KnowledgeChunk['kind']): Promise<IndexHit[]> {
    const q = await this.embedQuery(index, query);
    if (kind === 'card') return index.cardVectors.search(q, depth);
    const results = await index.vector.similaritySearchVectorWithScore(q, depth, kind ? { kind } : undefined);
    return results.map(([doc, distance], rank) => ({ id: String(doc.metadata.id), score: 1 - distance, rank }));
  }

  /**
   * The question's embedding; the card search and the main search of one question ask for the
   * same one, so the last is kept (per index: another index may use another embedder).
   */
  private async embedQuery(index: LoadedIndex, query: string): Promise<number[]> {
    const last = this.lastQuery;
    if (last && last.index === index && last.query === query) return last.vector;
    const vector =
      index.embeddings instanceof LocalEmbeddings ? index.embeddings.embedQuerySync(query) : await index.embeddings.embedQuery(query);
    this.lastQuery = { index, query, vector };
    return vector;
  }
}
