import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../config/config.js';
import { checkIntegrity } from '../knowledge/check-integrity.js';
import { chunkKnowledge, type KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import { type KnowledgeBase, KnowledgeValidationError } from '../knowledge/knowledge-base.js';
import { type KnowledgeReuse, loadKnowledge } from '../knowledge/load-knowledge.js';
import { stampBuildFiles } from './build-verification.js';
import { CardVectors } from './card-vectors.js';
import { syncDirectory, writeAtomically, writeFileDurably } from './durable-files.js';
import { EmbeddingCache, embeddingKey } from './embedding-cache.js';
import { configuredEmbedder, createEmbeddings } from './embeddings-factory.js';
import { HnswVectorStore } from './hnsw-vector-store.js';
import { ALL_BUILD_FILES, BUILD_FILES } from './index-build-files.js';
import { indexFormat } from './index-format.js';
import { type LoadedIndex, loadIndex, openVerifiedBuild } from './index-load.js';
import {
  BrokenBuildError,
  buildDir,
  CURRENT_FILE,
  type FileChecksum,
  type IndexManifest,
  listBuilds,
  type SourceFile,
  MANIFEST_FILE,
  readCurrentBuild,
} from './index-manifest.js';
import { sameSources, scanKnowledgeSources } from './knowledge-sources.js';
import { LexicalIndex } from './lexical-index.js';
import { encodeKnowledge } from './stored-knowledge.js';

/** What a re-index did, for the one-screen summary and the admin's `/reindex` reply. */
export interface BuildSummary {
  noop: boolean;
  buildId: string;
  manifest: IndexManifest;
  added: string[];
  changed: string[];
  removed: string[];
  embedded: number;
  reusedEmbeddings: number;
  /** True when the previous build was updated in place (only what changed re-analysed and added). */
  incremental: boolean;
  /** Why the current build was not used as it is, when it was damaged or built by other code. */
  replacedBrokenBuild?: string;
  ms: number;
}

export interface BuildOptions {
  knowledgeDir: string;
  indexRoot: string;
  config: Config;
  /** Rebuild from scratch even when nothing changed (the embedding cache is still used). */
  force?: boolean;
  onProgress?: (event: { phase: 'embed'; done: number; total: number }) => void;
  /**
   * Builds known not to load (their files match their checksums, yet reading them failed):
   * never the base of an update, never a reason for a no-op.
   */
  unusable?: readonly string[];
  /** Test hook: fail after the build was written aside, before it becomes current. */
  failBeforeSwitch?: boolean;
  /**
   * The index this process answers from, when a running bot re-indexes (`/reindex`): if it is the
   * build being updated, its knowledge, chunks and BM25 postings are used as they are (read only)
   * instead of loading a second copy; only the HNSW graph is read again, since the update changes
   * it in place and the bot keeps searching the one it has.
   */
  serving?: LoadedIndex;
}

/**
 * A build changing more than this share of the chunks is made from scratch: adding most of the
 * points to an old graph costs as much as a new one and leaves many deleted slots behind.
 */
const INCREMENTAL_MAX_SHARE = 0.5;

/**
 * Validates `knowledge/`, chunks it, embeds what is new (cached by content hash and embedder),
 * builds the lexical and vector indexes and writes them aside; only a complete, flushed build is
 * made current, by an atomic rename of the pointer file. A failure at any point leaves the index
 * in use untouched.
 *
 * Nothing changed (the same files with the same hashes, found by stat and hash without parsing,
 * and a current build that verifies): a no-op. A few documents changed: the current build is
 * updated — only the changed documents are parsed, only their chunks analysed and embedded, the
 * HNSW graph gets their old points deleted and new ones added, the BM25 postings are re-laid —
 * giving the same index a full build gives. A damaged or incompatible current build is never
 * reported as up to date: it is replaced, from the last good build or from scratch.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const { knowledgeDir, indexRoot, config } = options;
  const sources = await scanKnowledgeSources(knowledgeDir, indexRoot);
  const current = await readCurrentBuild(indexRoot);
  let base: IndexManifest | undefined;
  let replacedBrokenBuild: string | undefined;
  const unusable = new Set(options.unusable);
  if (current && unusable.has(current)) replacedBrokenBuild = 'tidak dapat dimuat';
  else if (current) {
    try {
      base = await openVerifiedBuild(indexRoot, current, config);
    } catch (err) {
      if (!(err instanceof BrokenBuildError)) throw err;
      replacedBrokenBuild = err.reason;
    }
  }
  if (!options.force && base && sameSources(base.sources, sources)) {
    return {
      noop: true,
      buildId: base.buildId,
      manifest: base,
      added: [],
      changed: [],
      removed: [],
      embedded: 0,
      reusedEmbeddings: base.counts.chunks,
      incremental: false,
      ms: performance.now() - started,
    };
  }
  // A damaged current build: update the newest good one instead, if there is one.
  if (!base && !options.force) base = await newestGoodBuild(indexRoot, config, new Set([...unusable, ...(current ? [current] : [])]));
  const shared = base && options.serving?.manifest.buildId === base.buildId ? options.serving : undefined;
  const previous =
    base && !options.force ? (shared ?? (await loadIndex(indexRoot, config, base.buildId).catch(() => undefined))) : undefined;

  const kb = await loadKnowledge(knowledgeDir, previous ? reuseFrom(previous, sources) : {});
  const problems = checkIntegrity(kb);
  if (problems.length > 0) throw new KnowledgeValidationError(problems);
  // Texts are cut only for the chunks that are analysed or embedded below.
  const chunks = chunkKnowledge(kb, { lazyText: true });
  const diff = diffKnowledge(kb, base);

  const embedderInfo = configuredEmbedder(config);
  const embeddings = createEmbeddings(embedderInfo, config);
  const previousById = new Map(previous?.chunks.map((c) => [c.id, c]));
  // A chunk is cut from its document (or card) alone, by the same chunker (the format says so):
  // the same id from a source of the same hash is the same chunk, without comparing texts; only
  // the chunks of a changed document are compared, so an edit to one article re-adds that article.
  const isUnchanged = (c: KnowledgeChunk) => {
    const p = previousById.get(c.id);
    if (p === undefined || p.kind !== c.kind) return false;
    return p.sourceHash === c.sourceHash || (p.label === c.label && p.text === c.text);
  };
  // Decided once per chunk (a lookup by object, not by a 40-character id, on every later ask).
  const kept = new Set(chunks.filter(isUnchanged));
  const unchanged = (c: KnowledgeChunk) => kept.has(c);
  const fresh = chunks.filter((c) => !kept.has(c));
  const incremental = previous !== undefined && fresh.length <= INCREMENTAL_MAX_SHARE * chunks.length;
  const toEmbed = incremental ? fresh : chunks;

  const buildId = `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const buildsDir = path.join(indexRoot, 'builds');
  const partial = path.join(buildsDir, `${buildId}.partial`);
  await fs.mkdir(partial, { recursive: true });
  let store: HnswVectorStore | undefined;
  let saving: Promise<void> | undefined;
  // Open (its keys read, not its vectors) until the build is written.
  const cache = await EmbeddingCache.open(cacheFile(indexRoot, embedderInfo.provider, embedderInfo.model));
  try {
    const { vectorOf, embedded } = await embedWithCache(toEmbed, embeddings, cache, options.onProgress);
    const dimensions = toEmbed.length > 0 ? cache.dimensions! : (previous?.manifest.embedder.dimensions ?? cache.dimensions ?? 1);
    let lexical: LexicalIndex;
    if (incremental) {
      // The previous build's graph, updated in place: the copy loaded for this build, never the one a bot is searching.
      store =
        !shared && previous.vector instanceof HnswVectorStore
          ? previous.vector
          : await HnswVectorStore.load(buildDir(indexRoot, previous.manifest.buildId), embeddings, { numDimensions: previous.manifest.embedder.dimensions });
      const keep = new Set([...kept].map((c) => c.id));
      await store.delete({ ids: previous.chunks.filter((c) => !keep.has(c.id)).map((c) => c.id) });
      await addInBatches(store, fresh, vectorOf);
      lexical = LexicalIndex.update(previous.lexical, chunks, unchanged);
    } else {
      store = new HnswVectorStore(embeddings, { numDimensions: dimensions });
      await addInBatches(store, chunks, vectorOf);
      lexical = LexicalIndex.build(chunks);
    }
    const cards = chunks.filter((c) => c.kind === 'card');
    const cardVectors = CardVectors.fromVectors(
      cards.map((c) => c.id),
      cards.map((c) => vectorOf(c) ?? previous?.cardVectors.vectorOf(c.id) ?? missingVector(c)),
      dimensions,
    );
    const newsVocabulary = lexical.termsOnlyIn('news').filter((t) => t.length > 2 && !/^\d+$/.test(t));

    // hnswlib writes its 200 MB (at 100×) on a worker thread: started first, while the rest is encoded and written.
    saving = store.save(partial);
    // A failure below must not leave the save's rejection unobserved.
    saving.catch(() => undefined);
    const storedKnowledge = encodeKnowledge(kb);
    // Each file as bytes once: hashed and written from the same buffer.
    const contents: [string, Buffer][] = [
      [BUILD_FILES.knowledge, Buffer.from(storedKnowledge.json, 'utf8')],
      [BUILD_FILES.knowledgeNodes, storedKnowledge.nodes],
      [BUILD_FILES.lexical, lexical.toBinary()],
      [BUILD_FILES.cardVectors, cardVectors.toBinary()],
      [BUILD_FILES.newsVocabulary, Buffer.from(JSON.stringify(newsVocabulary), 'utf8')],
    ];
    const files: Record<string, FileChecksum> = {};
    for (const [name, content] of contents) files[name] = checksumOfContent(content);
    await Promise.all(contents.map(([name, content]) => writeFileDurably(path.join(partial, name), content)));
    await saving;
    // hnswlib writes its own files: those are read back, streamed, to be hashed.
    for (const name of ALL_BUILD_FILES) files[name] ??= await checksumOf(path.join(partial, name));

    const manifest: IndexManifest = {
      version: 2,
      format: await indexFormat(knowledgeDir),
      buildId,
      builtAt: new Date().toISOString(),
      embedder: { ...embedderInfo, dimensions },
      documents: Object.fromEntries(kb.documents.map((d) => [d.id, { hash: d.hash, file: d.file, kind: d.kind }])),
      cards: Object.fromEntries(kb.cards.map((c) => [c.id, c.hash])),
      calendarHash: kb.calendarHash,
      lexiconHash: kb.lexiconHash,
      sources,
      files,
      counts: {
        documents: kb.documents.length,
        regulations: kb.documents.filter((d) => d.kind === 'regulation').length,
        news: kb.documents.filter((d) => d.kind === 'news').length,
        cards: kb.cards.length,
        chunks: chunks.length,
        elections: kb.calendar.length,
      },
      incrementalFrom: incremental ? previous.manifest.buildId : undefined,
      buildMs: Math.round(performance.now() - started),
    };
    await writeFileDurably(path.join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    await stampBuildFiles(partial, files);
    await syncDirectory(partial);
    await cache.flush(chunks.length, () => chunks.map((c) => embeddingKey(c.text)));
    if (options.failBeforeSwitch) throw new Error('simulated crash before switching to the new index');
    await fs.rename(partial, path.join(buildsDir, buildId));
    await syncDirectory(buildsDir);
    // Only now, with every byte of the build on disk, does CURRENT name it.
    await writeAtomically(path.join(indexRoot, CURRENT_FILE), JSON.stringify({ buildId, builtAt: manifest.builtAt }), { durable: true });
    // A damaged current build is of no use to anyone; a good one may still be read by a bot that has not switched.
    const keep = [buildId, base?.buildId, replacedBrokenBuild === undefined ? current : undefined];
    await pruneBuilds(buildsDir, new Set(keep.filter((b): b is string => b !== undefined)));
    return {
      noop: false,
      buildId,
      manifest,
      added: diff.added,
      changed: diff.changed,
      removed: diff.removed,
      embedded,
      reusedEmbeddings: chunks.length - embedded,
      incremental,
      replacedBrokenBuild,
      ms: performance.now() - started,
    };
  } catch (err) {
    // hnswlib may still be writing from the graph: let it finish before the graph is freed and its directory removed.
    await saving?.catch(() => undefined);
    await fs.rm(partial, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  } finally {
    cache.close();
    // This build's own graphs are of no further use (a bot loads the new build from disk): free them now.
    store?.release();
    if (!shared && previous?.vector instanceof HnswVectorStore) previous.vector.release();
  }
}

/** The newest build not in `except` that verifies and suits this code, if any. */
async function newestGoodBuild(indexRoot: string, config: Config, except: Set<string>): Promise<IndexManifest | undefined> {
  for (const id of await listBuilds(indexRoot)) {
    if (except.has(id)) continue;
    try {
      return await openVerifiedBuild(indexRoot, id, config);
    } catch {
      // Try the next older build.
    }
  }
  return undefined;
}

/**
 * What the previous build parsed, offered to the loader: documents and cards whose files (and a
 * document's sidecar) have the same hash as when it was built are taken as they are, unread;
 * others are offered by content hash.
 */
function reuseFrom(previous: LoadedIndex, sources: Record<string, SourceFile>): KnowledgeReuse {
  const before = previous.manifest.sources;
  const same = (rel: string) => before[rel]?.sha256 === sources[rel]?.sha256;
  const sidecarsSame = (rel: string) => [`${rel}.meta.yaml`, `${rel}.meta.yml`].every(same);
  const documents = new Map(previous.knowledge.documents.map((d) => [d.file, d]));
  const cards = new Map(previous.knowledge.cards.map((c) => [c.file, c]));
  return {
    unchangedDocument: (rel) => (sources[rel] && same(rel) && sidecarsSame(rel) ? documents.get(rel) : undefined),
    unchangedCard: (rel) => (sources[rel] && same(rel) ? cards.get(rel) : undefined),
    unchangedLexicon: () => {
      const files = (list: Record<string, SourceFile>) => Object.keys(list).filter((k) => k.startsWith('lexicon/')).sort();
      const now = files(sources);
      const unchangedFiles = now.length > 0 && now.join('\n') === files(before).join('\n') && now.every(same);
      return unchangedFiles ? { files: previous.knowledge.lexicon, hash: previous.knowledge.lexiconHash } : undefined;
    },
    reuse: (file, hash) => {
      const d = documents.get(file);
      return d && d.hash === hash ? d : undefined;
    },
  };
}

function missingVector(c: KnowledgeChunk): never {
  throw new Error(`no embedding for ${c.id}`);
}

/** Adds chunks to the store in batches, so a full build never holds every vector as a JS array at once. */
async function addInBatches(store: HnswVectorStore, chunks: KnowledgeChunk[], vectorOf: (c: KnowledgeChunk) => Float32Array | undefined): Promise<void> {
  const batch = 1024;
  for (let i = 0; i < chunks.length; i += batch) {
    const part = chunks.slice(i, i + batch);
    await store.addVectors(
      part.map((c) => Array.from(vectorOf(c) ?? missingVector(c))),
      part.map((c) => new Document({ pageContent: '', metadata: { id: c.id, kind: c.kind } })),
    );
  }
}

function cacheFile(indexRoot: string, provider: string, model: string): string {
  return path.join(indexRoot, 'embedding-cache', `${provider}-${model.replace(/[^\w.-]+/g, '_')}.f32`);
}

/**
 * Makes sure the cache holds a vector for each of `chunks`, embedding (in batches) those it
 * lacks; returns how to get a chunk's vector, read from the cache when asked for, so a full build
 * never holds every vector at once.
 */
async function embedWithCache(
  chunks: KnowledgeChunk[],
  embeddings: Embeddings,
  cache: EmbeddingCache,
  onProgress: BuildOptions['onProgress'],
): Promise<{ vectorOf: (c: KnowledgeChunk) => Float32Array | undefined; embedded: number }> {
  const keys = new Map(chunks.map((c) => [c.id, embeddingKey(c.text)] as const));
  const missing = chunks.filter((c) => !cache.has(keys.get(c.id)!));
  const batch = 64;
  for (let b = 0; b < missing.length; b += batch) {
    const part = missing.slice(b, b + batch);
    const out = await embeddings.embedDocuments(part.map((c) => c.text));
    for (const [j, c] of part.entries()) cache.set(keys.get(c.id)!, out[j]!);
    onProgress?.({ phase: 'embed', done: Math.min(b + batch, missing.length), total: missing.length });
  }
  if (missing.length === 0) onProgress?.({ phase: 'embed', done: 0, total: 0 });
  return {
    vectorOf: (c) => {
      const key = keys.get(c.id);
      return key ? cache.get(key) : undefined;
    },
    embedded: missing.length,
  };
}

/** Size and sha256 of a file, read in pieces (the HNSW graph is 200 MB at 100× the corpus). */
async function checksumOf(file: string): Promise<FileChecksum> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(piece as Buffer);
    bytes += (piece as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

function checksumOfContent(data: Buffer): FileChecksum {
  return { bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

function diffKnowledge(kb: KnowledgeBase, previous: IndexManifest | undefined) {
  const before = new Map<string, string>([
    ...Object.entries(previous?.documents ?? {}).map(([id, d]) => [id, d.hash] as [string, string]),
    ...Object.entries(previous?.cards ?? {}).map(([id, h]) => [`card:${id}`, h] as [string, string]),
  ]);
  const now = new Map<string, string>([
    ...kb.documents.map((d) => [d.id, d.hash] as [string, string]),
    ...kb.cards.map((c) => [`card:${c.id}`, c.hash] as [string, string]),
  ]);
  const added = [...now.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !now.has(id));
  const changed = [...now.keys()].filter((id) => before.has(id) && before.get(id) !== now.get(id));
  return { added, removed, changed };
}

async function pruneBuilds(buildsDir: string, keep: Set<string>): Promise<void> {
  for (const entry of await fs.readdir(buildsDir)) {
    if (keep.has(entry)) continue;
    const full = path.join(buildsDir, entry);
    // Another process may be writing its build right now; only an abandoned one (an hour old) is removed.
    if (entry.endsWith('.partial')) {
      const age = Date.now() - (await fs.stat(full).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age < 3_600_000) continue;
    }
    await fs.rm(full, { recursive: true, force: true });
  }
}

export type { LoadedIndex };
