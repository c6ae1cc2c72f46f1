import { HNSW_STORE_FILES } from './hnsw-vector-store.js';

/** The files of one build directory (besides `manifest.json`, which lists them with their checksums). */
export const BUILD_FILES = {
  /** Every chunk with its text: the one copy of the text a running bot holds. */
  chunks: 'chunks.json',
  /** The knowledge base the chunks came from (documents with their text and structure, cards, calendar). */
  knowledge: 'knowledge.json',
  /** BM25 posting lists (binary arrays). */
  lexical: 'lexical.bin',
  /** The case cards' embeddings, searched exactly (binary arrays). */
  cardVectors: 'card-vectors.bin',
  /** Words only the news articles contain. */
  newsVocabulary: 'news-vocabulary.json',
} as const;

/** Every file a complete build holds besides the manifest. */
export const ALL_BUILD_FILES: readonly string[] = [...Object.values(BUILD_FILES), ...HNSW_STORE_FILES];
