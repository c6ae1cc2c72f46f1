import { HNSW_STORE_FILES } from './hnsw-vector-store.js';

/** The files of one build directory (besides `manifest.json`, which lists them with their checksums). */
export const BUILD_FILES = {
  /**
   * The knowledge base (documents with their text, cards, calendar, lexicon). The chunks are not
   * stored: they are cut again from it at load (cheaper than reading them — at 100× the corpus a
   * chunks file was 61 MB), and the lexical index's chunk ids check that the cut is the same.
   */
  knowledge: 'knowledge.json',
  /** The documents' legal-structure offsets (binary arrays), see stored-knowledge.ts. */
  knowledgeNodes: 'knowledge-nodes.bin',
  /** BM25 posting lists (binary arrays). */
  lexical: 'lexical.bin',
  /** The case cards' embeddings, searched exactly (binary arrays). */
  cardVectors: 'card-vectors.bin',
  /** Words only the news articles contain. */
  newsVocabulary: 'news-vocabulary.json',
} as const;

/** Every file a complete build holds besides the manifest. */
export const ALL_BUILD_FILES: readonly string[] = [...Object.values(BUILD_FILES), ...HNSW_STORE_FILES];
