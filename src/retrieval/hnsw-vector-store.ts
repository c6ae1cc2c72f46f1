import fs from 'node:fs/promises';
import path from 'node:path';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { SaveableVectorStore } from '@langchain/core/vectorstores';
import hnsw from 'hnswlib-node';
import { z } from 'zod';
import { idOrNullArray, stringArray } from './bulk-schemas.js';
import { syncFile, writeFileDurably } from './durable-files.js';

// hnswlib-node is CommonJS: its named exports are not visible to native ESM (STACK.md §2).
const { HierarchicalNSW } = hnsw;
type HnswIndex = InstanceType<typeof HierarchicalNSW>;

/** What the store keeps of a document: its id and kind, never its text (that lives once, in chunks.json). */
export interface StoredVectorMetadata {
  id: string;
  kind: string;
}

/** Metadata equality filter, the usual LangChain convention: `{ kind: 'regulation' }`. */
export type VectorMetadataFilter = Partial<StoredVectorMetadata>;

export interface HnswVectorStoreArgs {
  numDimensions: number;
  /** Graph degree and build effort; the defaults are hnswlib's (and LangChain HNSWLib's). */
  m?: number;
  efConstruction?: number;
  /** Search breadth; 64 gives full recall on Netra's indexes at well under a millisecond. */
  efSearch?: number;
  /** Text of a document by id, for the `pageContent` of results; results carry only metadata without it. */
  textOf?: (id: string) => string | undefined;
}

const INDEX_FILE = 'vector.hnsw';
const LABELS_FILE = 'vector-labels.json';

const LabelsFileSchema = z.object({
  space: z.literal('cosine'),
  numDimensions: z.number().int().positive(),
  m: z.number().int().positive(),
  efConstruction: z.number().int().positive(),
  /**
   * Label → document id, null for a deleted point (labels are never reused, slots are), and its
   * kind; by column, since tens of thousands of small objects are slow to validate.
   */
  ids: idOrNullArray(),
  kinds: stringArray(),
  /** Slots of deleted points not yet reused: the index holds live points plus these. */
  deletedSlots: z.number().int().min(0),
});

/** Files a saved store is made of, relative to its directory. */
export const HNSW_STORE_FILES = [INDEX_FILE, LABELS_FILE] as const;

/**
 * A LangChain {@link SaveableVectorStore} over hnswlib-node (cosine space), replacing
 * `@langchain/community`'s HNSWLib: it stores ids instead of a copy of every text, deletes in place
 * (hnswlib marks the point deleted and reuses its slot for the next one added), and saves into a
 * directory as the index file plus a small label table.
 *
 * Built with the same parameters and insertion order as HNSWLib (M 16, efConstruction 200, seed
 * 100), a full build is the same graph, so answers did not change with the store. Scores are cosine
 * distances (0 = same direction), as in HNSWLib.
 */
export class HnswVectorStore extends SaveableVectorStore {
  declare FilterType: VectorMetadataFilter;
  private index: HnswIndex | undefined;
  private labels: (StoredVectorMetadata | null)[] = [];
  private readonly labelOf = new Map<string, number>();
  private freeSlots = 0;
  private released = false;
  private readonly args: Required<Omit<HnswVectorStoreArgs, 'textOf'>> & Pick<HnswVectorStoreArgs, 'textOf'>;

  constructor(embeddings: EmbeddingsInterface, args: HnswVectorStoreArgs) {
    super(embeddings, {});
    this.args = { m: 16, efConstruction: 200, efSearch: 64, ...args };
  }

  _vectorstoreType(): string {
    return 'netra-hnswlib';
  }

  /** Points that can be found (added and not deleted). */
  get liveCount(): number {
    return this.labelOf.size;
  }

  /** Slots of deleted points, reused by the next additions. */
  get deletedCount(): number {
    return this.freeSlots;
  }

  /** Ids of the stored documents (the metadata `id`, or `options.ids`). */
  async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    if (vectors.length !== documents.length) throw new Error('vectors and documents must have the same length');
    const ids = documents.map((d, i) => options?.ids?.[i] ?? (typeof d.metadata.id === 'string' ? d.metadata.id : d.id));
    if (vectors.length === 0) return [];
    if (this.released) throw new Error('HnswVectorStore: added to after release()');
    const index = this.ensureIndex(vectors.length);
    const needed = index.getCurrentCount() + Math.max(0, vectors.length - this.freeSlots);
    if (needed > index.getMaxElements()) index.resizeIndex(needed);
    for (let i = 0; i < vectors.length; i++) {
      const id = ids[i];
      if (!id) throw new Error('every document needs an id (metadata.id)');
      if (vectors[i]!.length !== this.args.numDimensions) {
        throw new Error(`vector has ${vectors[i]!.length} dimensions, the store ${this.args.numDimensions}`);
      }
      if (this.labelOf.has(id)) await this.delete({ ids: [id] });
      const label = this.labels.length;
      const replace = this.freeSlots > 0;
      index.addPoint(vectors[i]!, label, replace);
      if (replace) this.freeSlots -= 1;
      this.labels.push({ id, kind: String(documents[i]!.metadata.kind ?? '') });
      this.labelOf.set(id, label);
    }
    return ids as string[];
  }

  async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  /** Deletes documents by id; their points stop being found at once and their slots are reused. */
  async delete(params?: { ids?: string[] }): Promise<void> {
    for (const id of params?.ids ?? []) {
      const label = this.labelOf.get(id);
      if (label === undefined) continue;
      this.index!.markDelete(label);
      this.labels[label] = null;
      this.labelOf.delete(id);
      this.freeSlots += 1;
    }
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: VectorMetadataFilter): Promise<[DocumentInterface, number][]> {
    if (this.released) throw new Error('HnswVectorStore: searched after release()');
    if (!this.index || this.labelOf.size === 0 || k <= 0) return [];
    const wanted = filter ? Object.entries(filter).filter(([, v]) => v !== undefined) : [];
    const matches = (label: number) => {
      const meta = this.labels[label];
      return !!meta && wanted.every(([key, value]) => meta[key as keyof StoredVectorMetadata] === value);
    };
    const result = this.index.searchKnn(query, Math.min(k, this.labelOf.size), wanted.length > 0 ? matches : undefined);
    const out: [DocumentInterface, number][] = [];
    result.neighbors.forEach((label, i) => {
      const meta = this.labels[label];
      if (!meta) return;
      out.push([new Document({ id: meta.id, pageContent: this.args.textOf?.(meta.id) ?? '', metadata: { ...meta } }), result.distances[i]!]);
    });
    return out;
  }

  /** Writes the store into `directory` (created), flushed to disk. */
  async save(directory: string): Promise<void> {
    await fs.mkdir(directory, { recursive: true });
    const file = path.join(directory, INDEX_FILE);
    if (!this.index) this.ensureIndex(1);
    await this.index!.writeIndex(file);
    await syncFile(file);
    const labels: z.infer<typeof LabelsFileSchema> = {
      space: 'cosine',
      numDimensions: this.args.numDimensions,
      m: this.args.m,
      efConstruction: this.args.efConstruction,
      ids: this.labels.map((l) => l?.id ?? null),
      kinds: this.labels.map((l) => l?.kind ?? ''),
      deletedSlots: this.freeSlots,
    };
    await writeFileDurably(path.join(directory, LABELS_FILE), JSON.stringify(labels));
  }

  /**
   * Loads a store saved by {@link save}; the label table is validated, and hnswlib's file checked
   * against it. With `numDimensions` known beforehand (the manifest records it), hnswlib starts
   * reading its file — most of the bytes — at once, off the main thread, while the labels are parsed.
   */
  static async load(
    directory: string,
    embeddings: EmbeddingsInterface,
    options: Pick<HnswVectorStoreArgs, 'efSearch' | 'textOf'> & { numDimensions?: number } = {},
  ): Promise<HnswVectorStore> {
    const readGraph = async (dims: number) => {
      const index = new HierarchicalNSW('cosine', dims);
      await index.readIndex(path.join(directory, INDEX_FILE), true);
      return index;
    };
    const early = options.numDimensions ? readGraph(options.numDimensions) : undefined;
    // A labels file found broken must not leave the early read's rejection unobserved.
    early?.catch(() => undefined);
    // Read as bytes and decoded in one go: readFile's 'utf8' decodes a large file piece by piece, slower.
    const parsed = LabelsFileSchema.safeParse(JSON.parse((await fs.readFile(path.join(directory, LABELS_FILE))).toString('utf8')));
    if (!parsed.success) throw new Error(`${LABELS_FILE} tidak valid: ${parsed.error.issues[0]?.message ?? ''}`);
    const { numDimensions, m, efConstruction, ids, kinds, deletedSlots } = parsed.data;
    if (kinds.length !== ids.length) throw new Error(`${LABELS_FILE} tidak valid: ids dan kinds tidak sama panjang`);
    if (options.numDimensions !== undefined && options.numDimensions !== numDimensions) {
      throw new Error(`${LABELS_FILE} mencatat ${numDimensions} dimensi, manifest ${options.numDimensions}`);
    }
    const labels = ids.map((id, i) => (id === null ? null : { id, kind: kinds[i]! }));
    const { numDimensions: _expected, ...searchOptions } = options;
    const store = new HnswVectorStore(embeddings, { numDimensions, m, efConstruction, ...searchOptions });
    const index = await (early ?? readGraph(numDimensions));
    const live = labels.filter((l) => l !== null).length;
    if (index.getNumDimensions() !== numDimensions || index.getCurrentCount() !== live + deletedSlots) {
      throw new Error(`${INDEX_FILE} tidak cocok dengan ${LABELS_FILE}`);
    }
    // ef is not saved in the index file.
    index.setEf(store.args.efSearch);
    store.index = index;
    store.labels = labels;
    labels.forEach((meta, label) => {
      if (meta) store.labelOf.set(meta.id, label);
    });
    store.freeSlots = deletedSlots;
    return store;
  }

  /**
   * Frees the graph's memory now, not whenever the garbage collector gets to the wrapper: V8 does
   * not see hnswlib's allocation (200 MB at 100× the corpus), so an old graph could stay resident
   * long after its index was replaced. The store is unusable afterwards: a search throws.
   */
  release(): void {
    if (!this.index) return;
    // initIndex deletes the native index it replaces; one slot is the smallest it allows.
    this.index.initIndex(1, this.args.m, this.args.efConstruction, 100, true);
    this.index = undefined;
    this.released = true;
    this.labels = [];
    this.labelOf.clear();
    this.freeSlots = 0;
  }

  /** A store of `docs`, embedded with `embeddings`, in the order given. */
  static async fromDocuments(docs: DocumentInterface[], embeddings: EmbeddingsInterface, args: HnswVectorStoreArgs): Promise<HnswVectorStore> {
    const store = new HnswVectorStore(embeddings, args);
    await store.addDocuments(docs);
    return store;
  }

  /** A store of `vectors` built in one go, in the order given (what a full re-index does). */
  static async fromVectors(
    vectors: number[][],
    documents: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    args: HnswVectorStoreArgs,
  ): Promise<HnswVectorStore> {
    const store = new HnswVectorStore(embeddings, args);
    await store.addVectors(vectors, documents);
    return store;
  }

  private ensureIndex(initialCapacity: number): HnswIndex {
    if (!this.index) {
      const index = new HierarchicalNSW('cosine', this.args.numDimensions);
      // Seed 100 is hnswlib's default: the same vectors in the same order give the same graph.
      index.initIndex(initialCapacity, this.args.m, this.args.efConstruction, 100, true);
      index.setEf(this.args.efSearch);
      this.index = index;
    }
    return this.index;
  }
}
