import MiniSearch from 'minisearch';
import type { KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import { analyzeDocument, analyzeQuery, weightedQueryTerms } from './indonesian-analyzer.js';

/** A scored hit from one of the indexes; `rank` starts at 0. */
export interface IndexHit {
  id: string;
  score: number;
  rank: number;
}

const OPTIONS = {
  idField: 'id',
  fields: ['label', 'text'],
  storeFields: ['kind'],
  tokenize: (text: string) => analyzeDocument(text),
  processTerm: (term: string) => term,
  // A long question repeats words; searching each distinct term once keeps it as fast as a short one.
  searchOptions: { boost: { label: 1.5 }, tokenize: (text: string) => [...new Set(analyzeQuery(text))], processTerm: (t: string) => t },
};

/**
 * BM25 search over the chunks with Indonesian analysis (stop words, Sastrawi stems, slang
 * expansion on the query side), backed by MiniSearch and persisted as its JSON.
 */
export class LexicalIndex {
  private constructor(private readonly search: MiniSearch) {}

  static build(chunks: KnowledgeChunk[]): LexicalIndex {
    const ms = new MiniSearch(OPTIONS);
    ms.addAll(chunks.map((c) => ({ id: c.id, label: c.label, text: c.text, kind: c.kind })));
    return new LexicalIndex(ms);
  }

  static fromJSON(json: string): LexicalIndex {
    return new LexicalIndex(MiniSearch.loadJSON(json, OPTIONS));
  }

  toJSON(): string {
    return JSON.stringify(this.search);
  }

  /** The `k` best chunks; `kind` restricts the search to one kind of chunk (e.g. case cards). */
  query(text: string, k: number, kind?: string): IndexHit[] {
    const weights = weightedQueryTerms(text);
    return this.search
      .search(text, {
        boostTerm: (term) => weights.get(term) ?? 1,
        ...(kind ? { filter: (r) => r.kind === kind } : {}),
      })
      .slice(0, k)
      .map((r, rank) => ({ id: String(r.id), score: r.score, rank }));
  }
}
