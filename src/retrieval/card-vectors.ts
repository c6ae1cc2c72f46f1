import { z } from 'zod';
import { BinaryArraysFileError, decodeArraysFile, encodeArraysFile, requireArray } from './binary-arrays-file.js';
import type { IndexHit } from './lexical-index.js';

const MetaSchema = z.object({ ids: z.array(z.string().min(1)), dimensions: z.number().int().positive() });

/**
 * The case cards' vectors, searched exactly: a few dozen dot products cost less than asking the
 * HNSW graph of every chunk for cards only (which tests a filter on most of the corpus as it
 * walks), and the result is exact whatever the size of the corpus.
 */
export class CardVectors {
  /** Unit-length copies of the rows, what the search multiplies with (as hnswlib's cosine space normalises). */
  private readonly unit: Float32Array;

  private constructor(
    readonly ids: readonly string[],
    readonly dimensions: number,
    /** The embeddings as computed (Float32), one row per id: what is saved and re-used. */
    private readonly matrix: Float32Array,
  ) {
    this.unit = new Float32Array(matrix.length);
    for (let row = 0; row < ids.length; row++) {
      let norm = 0;
      for (let i = row * dimensions; i < (row + 1) * dimensions; i++) norm += matrix[i]! * matrix[i]!;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let i = row * dimensions; i < (row + 1) * dimensions; i++) this.unit[i] = matrix[i]! * scale;
    }
  }

  /** Cards (by chunk id, `card:<id>`) with their embeddings (stored as Float32). */
  static fromVectors(ids: readonly string[], vectors: readonly ArrayLike<number>[], dimensions: number): CardVectors {
    if (vectors.length !== ids.length) throw new Error('one vector per card id');
    const matrix = new Float32Array(ids.length * dimensions);
    vectors.forEach((v, row) => {
      if (v.length !== dimensions) throw new Error(`card vector has ${v.length} dimensions, expected ${dimensions}`);
      matrix.set(v, row * dimensions);
    });
    return new CardVectors([...ids], dimensions, matrix);
  }

  /** A card's embedding as stored, for re-use by the next build. */
  vectorOf(id: string): Float32Array | undefined {
    const row = this.ids.indexOf(id);
    return row < 0 ? undefined : this.matrix.subarray(row * this.dimensions, (row + 1) * this.dimensions);
  }

  /** The `k` cards most similar to `query`, best first; `score` is the cosine similarity. */
  search(query: ArrayLike<number>, k: number): IndexHit[] {
    const d = this.dimensions;
    if (query.length !== d) throw new Error(`query has ${query.length} dimensions, card vectors ${d}`);
    let norm = 0;
    for (let i = 0; i < d; i++) norm += query[i]! * query[i]!;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    const scored = this.ids.map((id, row) => {
      let dot = 0;
      for (let i = 0, at = row * d; i < d; i++, at++) dot += this.unit[at]! * query[i]!;
      return { id, score: dot * scale, row };
    });
    // Equal similarity: the card listed first wins, so the order never depends on the sort.
    scored.sort((a, b) => b.score - a.score || a.row - b.row);
    return scored.slice(0, Math.max(0, k)).map((s, rank) => ({ id: s.id, score: s.score, rank }));
  }

  toBinary(): Buffer {
    return encodeArraysFile({ ids: this.ids, dimensions: this.dimensions }, { matrix: this.matrix });
  }

  static fromBinary(buffer: Buffer): CardVectors {
    const { meta, arrays } = decodeArraysFile(buffer, MetaSchema);
    const matrix = requireArray(arrays, 'matrix', 'f32');
    if (matrix.length !== meta.ids.length * meta.dimensions) throw new BinaryArraysFileError('card vectors do not match their ids');
    return new CardVectors(meta.ids, meta.dimensions, matrix);
  }
}
