import { Embeddings, type EmbeddingsParams } from '@langchain/core/embeddings';
import { analyzeDocument, weightedQueryTerms } from './indonesian-analyzer.js';

/**
 * Netra's offline embedder: needs no model download and no network. Each text becomes a
 * signed feature-hashing vector of (1) stemmed words after slang expansion, (2) adjacent word
 * pairs, and (3) character n-grams of the words (robust to typos and unknown affixes),
 * L2-normalised so cosine distance works in hnswlib.
 *
 * Documents and queries are analysed differently on purpose: queries get slang and English
 * terms expanded ("caleg" → "calon anggota dewan perwakilan rakyat"), documents do not.
 */
export class LocalEmbeddings extends Embeddings {
  /** Identifies the exact feature recipe; the embedding cache and the index manifest key on it. */
  static readonly MODEL = 'netra-hash-v5';
  readonly dimensions: number;

  constructor(params: EmbeddingsParams & { dimensions?: number } = {}) {
    super(params);
    this.dimensions = params.dimensions ?? 1024;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => {
      const tokens = analyzeDocument(t);
      return this.vectorize(tokens, termFrequencies(tokens));
    });
  }

  async embedQuery(text: string): Promise<number[]> {
    return this.embedQuerySync(text);
  }

  /** Synchronous query embedding for the hot path (no promise allocation per question). */
  embedQuerySync(text: string): number[] {
    const weights = weightedQueryTerms(text);
    return this.vectorize(analyzeDocument(text), weights);
  }

  private vectorize(sequence: string[], terms: Map<string, number>): number[] {
    const v = new Float64Array(this.dimensions);
    const tokens = sequence;
    for (const [t, w] of terms) {
      this.add(v, `w:${t}`, 2 * w);
      if (t.length >= 5) {
        const padded = ` ${t} `;
        for (let i = 0; i + 4 <= padded.length; i++) this.add(v, `c:${padded.slice(i, i + 4)}`, 0.35 * w);
      }
    }
    // Word pairs come from the text as written, never from expansions.
    for (let i = 0; i + 1 < tokens.length; i++) this.add(v, `b:${tokens[i]} ${tokens[i + 1]}`, 0.8);
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return Array.from(v, (x) => x / norm);
  }

  private add(v: Float64Array, feature: string, weight: number): void {
    if (weight === 0) return;
    let h = 0x811c9dc5;
    for (let i = 0; i < feature.length; i++) {
      h ^= feature.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h >>>= 0;
    v[h % this.dimensions]! += h & 0x80000000 ? -weight : weight;
  }
}

/** Sub-linear term frequency, so a word repeated many times does not dominate a passage. */
function termFrequencies(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  return new Map([...counts].map(([t, c]) => [t, 1 + Math.log(c)] as const));
}
