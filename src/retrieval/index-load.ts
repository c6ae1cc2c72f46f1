import fs from 'node:fs/promises';
import path from 'node:path';
import type { Embeddings } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import { z } from 'zod';
import type { Config } from '../config/config.js';
import { articlesByNumber } from '../knowledge/article-index.js';
import { chunkKnowledge, type KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { verifyBuildFiles } from './build-verification.js';
import { BinaryArraysFileError } from './binary-arrays-file.js';
import { CardVectors } from './card-vectors.js';
import { configuredEmbedder, createEmbeddings } from './embeddings-factory.js';
import { HnswVectorStore } from './hnsw-vector-store.js';
import { BUILD_FILES } from './index-build-files.js';
import { indexFormat } from './index-format.js';
import { BrokenBuildError, buildDir, type IndexManifest, listBuilds, readCurrentBuild, readManifestOf } from './index-manifest.js';
import { LexicalIndex } from './lexical-index.js';
import { decodeKnowledge } from './stored-knowledge.js';

/** A loaded index: chunks, the knowledge they came from, and the search structures over them. */
export interface LoadedIndex {
  manifest: IndexManifest;
  knowledge: KnowledgeBase;
  chunks: KnowledgeChunk[];
  chunkById: Map<string, KnowledgeChunk>;
  lexical: LexicalIndex;
  /** Every chunk's embedding; any LangChain store (filter: `{ kind }`), hnswlib here. */
  vector: VectorStore;
  /** The case cards' embeddings, searched exactly. */
  cardVectors: CardVectors;
  embeddings: Embeddings;
  /** Words only the news articles contain (names, places, events), computed when the index was built. */
  newsVocabulary: ReadonlySet<string>;
}

/** Thrown when there is no index yet; the message tells the admin what to run. */
export class IndexMissingError extends Error {
  constructor(indexRoot: string) {
    super(`Indeks belum dibuat di ${indexRoot}. Jalankan: npm run reindex`);
    this.name = 'IndexMissingError';
  }
}

const NewsVocabularySchema = z.array(z.string());

/**
 * Whether this code can use a build: its format (analysis and chunking, see index-format.ts) and
 * its embedder must be the ones the running code and configuration would build with. Throws
 * {@link BrokenBuildError} saying which differs.
 */
export async function checkCompatible(manifest: IndexManifest, config: Config): Promise<void> {
  const format = await indexFormat(config.knowledgeDir);
  if (manifest.format !== format) {
    throw new BrokenBuildError(manifest.buildId, `dibuat dengan format ${manifest.format}, kode ini memakai ${format}`);
  }
  const embedder = configuredEmbedder(config);
  if (manifest.embedder.provider !== embedder.provider || manifest.embedder.model !== embedder.model) {
    throw new BrokenBuildError(
      manifest.buildId,
      `dibuat dengan embedding ${manifest.embedder.provider}/${manifest.embedder.model}, konfigurasi meminta ${embedder.provider}/${embedder.model}`,
    );
  }
}

/**
 * The manifest of build `buildId` once the build is known to be usable: manifest valid, format
 * and embedder compatible, every file present with its recorded checksum.
 */
export async function openVerifiedBuild(indexRoot: string, buildId: string, config: Config): Promise<IndexManifest> {
  const manifest = await readManifestOf(indexRoot, buildId);
  await checkCompatible(manifest, config);
  await verifyBuildFiles(indexRoot, manifest);
  return manifest;
}

/**
 * Loads the current build (or `buildId`) after verifying it; every file read back is validated,
 * so a damaged or incompatible build throws {@link BrokenBuildError} (never half an index).
 */
export async function loadIndex(indexRoot: string, config: Config, buildId?: string): Promise<LoadedIndex> {
  const id = buildId ?? (await readCurrentBuild(indexRoot));
  if (!id) throw new IndexMissingError(indexRoot);
  const manifest = await openVerifiedBuild(indexRoot, id, config);
  try {
    return await readBuild(indexRoot, manifest, config);
  } catch (err) {
    if (err instanceof BrokenBuildError) throw err;
    throw new BrokenBuildError(id, (err as Error).message.split('\n')[0] ?? 'tidak terbaca');
  }
}

/** The newest build not in `except` that verifies and loads, or undefined. */
export async function loadLastGoodBuild(indexRoot: string, config: Config, except: readonly string[] = []): Promise<LoadedIndex | undefined> {
  for (const id of await listBuilds(indexRoot)) {
    if (except.includes(id)) continue;
    try {
      return await loadIndex(indexRoot, config, id);
    } catch {
      // Damaged or built by other code: try the next older one.
    }
  }
  return undefined;
}

async function readBuild(indexRoot: string, manifest: IndexManifest, config: Config): Promise<LoadedIndex> {
  const dir = buildDir(indexRoot, manifest.buildId);
  const file = (name: string) => path.join(dir, name);
  const embeddings = createEmbeddings(manifest.embedder, config);
  // hnswlib reads its file off the main thread: start it first, decode the rest meanwhile.
  let chunkById = new Map<string, KnowledgeChunk>();
  const vectorLoad = HnswVectorStore.load(dir, embeddings, {
    efSearch: 64,
    textOf: (id) => chunkById.get(id)?.text,
    numDimensions: manifest.embedder.dimensions,
  });
  // A failed decode must not leave the vector load's rejection unobserved.
  vectorLoad.catch(() => undefined);
  const [knowledgeRaw, nodesRaw, lexicalRaw, cardsRaw, vocabularyRaw] = await Promise.all([
    // Bytes, decoded in one go below: readFile's 'utf8' decodes a 16 MB file piece by piece, slower.
    fs.readFile(file(BUILD_FILES.knowledge)),
    fs.readFile(file(BUILD_FILES.knowledgeNodes)),
    fs.readFile(file(BUILD_FILES.lexical)),
    fs.readFile(file(BUILD_FILES.cardVectors)),
    fs.readFile(file(BUILD_FILES.newsVocabulary), 'utf8'),
  ]);
  const knowledge = readPart(BUILD_FILES.knowledgeNodes, () => decodeKnowledge({ json: knowledgeRaw.toString('utf8'), nodes: nodesRaw }));
  const chunks = chunkKnowledge(knowledge, { lazyText: true });
  chunkById = new Map(chunks.map((c) => [c.id, c]));
  const lexical = readPart(BUILD_FILES.lexical, () => LexicalIndex.fromBinary(lexicalRaw, chunks));
  const cardVectors = readPart(BUILD_FILES.cardVectors, () => CardVectors.fromBinary(cardsRaw));
  const newsVocabulary = new Set(parseJson(BUILD_FILES.newsVocabulary, vocabularyRaw, NewsVocabularySchema));
  const vector = await vectorLoad;

  // The parts must describe the same chunks, in the same order.
  const broken = (reason: string) => new BrokenBuildError(manifest.buildId, reason);
  if (chunks.length !== manifest.counts.chunks) throw broken(`${BUILD_FILES.knowledge} memberi ${chunks.length} potongan, manifest ${manifest.counts.chunks}`);
  const cardIds = chunks.filter((c) => c.kind === 'card').map((c) => c.id);
  if (cardVectors.ids.join('\n') !== cardIds.join('\n')) throw broken('vektor kartu kasus tidak cocok dengan potongan');
  if (vector.liveCount !== chunks.length) throw broken('indeks vektor tidak cocok dengan potongan');
  if (cardVectors.dimensions !== manifest.embedder.dimensions && cardIds.length > 0) throw broken('dimensi vektor kartu tidak cocok');
  // Built now, not on the first "Apa isi Pasal 5?" after a switch.
  articlesByNumber(knowledge);
  return { manifest, knowledge, chunks, chunkById, lexical, vector, cardVectors, embeddings, newsVocabulary };
}

/**
 * Decodes one binary file of a build, naming the file when it cannot be read: the admin's log
 * then says which part of which build was refused (and that it is rebuilt), not just "truncated".
 */
function readPart<T>(name: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (!(err instanceof BinaryArraysFileError)) throw err;
    throw new Error(`${name} tidak dapat dibaca (${err.message})`);
  }
}

function parseJson<S extends z.ZodType>(name: string, raw: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`${name} bukan JSON yang utuh`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new Error(`${name} tidak valid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  return parsed.data;
}
