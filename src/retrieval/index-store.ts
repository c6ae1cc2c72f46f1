import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { HNSWLib } from '@langchain/community/vectorstores/hnswlib';
import { Document } from '@langchain/core/documents';
import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../config/config.js';
import { checkIntegrity } from '../knowledge/check-integrity.js';
import { chunkKnowledge, type KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import { KnowledgeValidationError, type KnowledgeBase } from '../knowledge/knowledge-base.js';
import { fromSnapshot, type KnowledgeSnapshot, toSnapshot } from '../knowledge/knowledge-snapshot.js';
import { loadKnowledge, sha256 } from '../knowledge/load-knowledge.js';
import { configuredEmbedder, createEmbeddings, type EmbedderInfo } from './embeddings-factory.js';
import { LexicalIndex } from './lexical-index.js';

/** Written beside every index: what it was built from and with. */
export interface IndexManifest {
  version: 1;
  format: string;
  buildId: string;
  builtAt: string;
  embedder: EmbedderInfo & { dimensions: number };
  documents: Record<string, { hash: string; file: string; kind: string }>;
  cards: Record<string, string>;
  calendarHash: string;
  /** Hash of knowledge/lexicon: the situation vocabulary is knowledge too. Absent in older builds. */
  lexiconHash?: string;
  counts: { documents: number; regulations: number; news: number; cards: number; chunks: number; elections: number };
  buildMs: number;
}

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
  ms: number;
}

export interface BuildOptions {
  knowledgeDir: string;
  indexRoot: string;
  config: Config;
  /** Rebuild even when nothing changed. */
  force?: boolean;
  onProgress?: (event: { phase: 'embed'; done: number; total: number }) => void;
  /** Test hook: fail after the build was written aside, before it becomes current. */
  failBeforeSwitch?: boolean;
}

const CURRENT = 'CURRENT';
/**
 * Version of the chunking, analysis and index layout. Bump it whenever code changes what an
 * index contains, so `npm run reindex` rebuilds instead of reporting "nothing changed".
 */
export const INDEX_FORMAT = 'netra-index-8';

/** Reads which build is current; undefined when no index was ever built. */
export async function readCurrentBuild(indexRoot: string): Promise<string | undefined> {
  try {
    const raw = JSON.parse(await fs.readFile(path.join(indexRoot, CURRENT), 'utf8')) as { buildId?: unknown };
    return typeof raw.buildId === 'string' ? raw.buildId : undefined;
  } catch {
    return undefined;
  }
}

export async function readManifest(indexRoot: string, buildId?: string): Promise<IndexManifest | undefined> {
  const id = buildId ?? (await readCurrentBuild(indexRoot));
  if (!id) return undefined;
  try {
    return JSON.parse(await fs.readFile(path.join(indexRoot, 'builds', id, 'manifest.json'), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
}

/**
 * Validates `knowledge/`, chunks it, embeds what is new (cached by content hash and embedder),
 * builds the lexical and vector indexes and writes them aside; only a complete build is made
 * current, by an atomic rename of the pointer file. A failure at any point leaves the index in
 * use untouched.
 */
export async function buildIndex(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const kb = await loadKnowledge(options.knowledgeDir);
  const problems = checkIntegrity(kb);
  if (problems.length > 0) throw new KnowledgeValidationError(problems);

  const embedderInfo = configuredEmbedder(options.config);
  const previous = await readManifest(options.indexRoot);
  const diff = diffKnowledge(kb, previous);
  const sameEmbedder =
    previous?.embedder.provider === embedderInfo.provider && previous.embedder.model === embedderInfo.model;
  if (!options.force && previous && previous.format === INDEX_FORMAT && sameEmbedder && diff.unchanged) {
    return {
      noop: true,
      buildId: previous.buildId,
      manifest: previous,
      added: [],
      changed: [],
      removed: [],
      embedded: 0,
      reusedEmbeddings: previous.counts.chunks,
      ms: performance.now() - started,
    };
  }

  const chunks = chunkKnowledge(kb);
  const embeddings = createEmbeddings(embedderInfo, options.config);
  const cacheFile = path.join(
    options.indexRoot,
    'embedding-cache',
    `${embedderInfo.provider}-${embedderInfo.model.replace(/[^\w.-]+/g, '_')}.json`,
  );
  const { vectors, embedded, reused } = await embedWithCache(chunks, embeddings, cacheFile, options.onProgress);

  const buildId = `${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const buildsDir = path.join(options.indexRoot, 'builds');
  const partial = path.join(buildsDir, `${buildId}.partial`);
  await fs.mkdir(partial, { recursive: true });
  try {
    const store = new HNSWLib(embeddings, { space: 'cosine', numDimensions: vectors[0]?.length ?? 1 });
    await store.addVectors(
      vectors,
      chunks.map((c) => new Document({ pageContent: c.text, metadata: { id: c.id, kind: c.kind } })),
    );
    await store.save(path.join(partial, 'vector'));
    await fs.writeFile(path.join(partial, 'lexical.json'), LexicalIndex.build(chunks).toJSON());
    await fs.writeFile(path.join(partial, 'chunks.json'), JSON.stringify(chunks));
    await fs.writeFile(path.join(partial, 'knowledge.json'), JSON.stringify(toSnapshot(kb)));
    const manifest: IndexManifest = {
      version: 1,
      format: INDEX_FORMAT,
      buildId,
      builtAt: new Date().toISOString(),
      embedder: { ...embedderInfo, dimensions: vectors[0]?.length ?? 0 },
      documents: Object.fromEntries(kb.documents.map((d) => [d.id, { hash: d.hash, file: d.file, kind: d.kind }])),
      cards: Object.fromEntries(kb.cards.map((c) => [c.id, c.hash])),
      calendarHash: kb.calendarHash,
      lexiconHash: kb.lexiconHash,
      counts: {
        documents: kb.documents.length,
        regulations: kb.documents.filter((d) => d.kind === 'regulation').length,
        news: kb.documents.filter((d) => d.kind === 'news').length,
        cards: kb.cards.length,
        chunks: chunks.length,
        elections: kb.calendar.length,
      },
      buildMs: Math.round(performance.now() - started),
    };
    await fs.writeFile(path.join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2));
    if (options.failBeforeSwitch) throw new Error('simulated crash before switching to the new index');
    await fs.rename(partial, path.join(buildsDir, buildId));
    await writeAtomically(path.join(options.indexRoot, CURRENT), JSON.stringify({ buildId, builtAt: manifest.builtAt }));
    await pruneBuilds(buildsDir, buildId, previous?.buildId);
    return {
      noop: false,
      buildId,
      manifest,
      added: diff.added,
      changed: diff.changed,
      removed: diff.removed,
      embedded,
      reusedEmbeddings: reused,
      ms: performance.now() - started,
    };
  } catch (err) {
    await fs.rm(partial, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
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
  const calendarSame = previous?.calendarHash === kb.calendarHash && previous?.lexiconHash === kb.lexiconHash;
  return { added, removed, changed, unchanged: added.length + removed.length + changed.length === 0 && calendarSame };
}

async function embedWithCache(
  chunks: KnowledgeChunk[],
  embeddings: Embeddings,
  cacheFile: string,
  onProgress: BuildOptions['onProgress'],
): Promise<{ vectors: number[][]; embedded: number; reused: number }> {
  let cache: Record<string, string> = {};
  try {
    cache = JSON.parse(await fs.readFile(cacheFile, 'utf8')) as Record<string, string>;
  } catch {
    // No cache yet, or unreadable: embed everything.
  }
  const keys = chunks.map((c) => sha256(c.text));
  const vectors: (number[] | undefined)[] = keys.map((k) => (cache[k] ? decodeVector(cache[k]) : undefined));
  const missing = vectors.flatMap((v, i) => (v ? [] : [i]));
  const batch = 64;
  for (let b = 0; b < missing.length; b += batch) {
    const idx = missing.slice(b, b + batch);
    const out = await embeddings.embedDocuments(idx.map((i) => chunks[i]!.text));
    idx.forEach((i, j) => {
      vectors[i] = out[j]!;
    });
    onProgress?.({ phase: 'embed', done: Math.min(b + batch, missing.length), total: missing.length });
  }
  if (missing.length === 0) onProgress?.({ phase: 'embed', done: 0, total: 0 });
  const next: Record<string, string> = {};
  keys.forEach((k, i) => {
    next[k] = cache[k] ?? encodeVector(vectors[i]!);
  });
  await fs.mkdir(path.dirname(cacheFile), { recursive: true });
  await writeAtomically(cacheFile, JSON.stringify(next));
  return { vectors: vectors as number[][], embedded: missing.length, reused: chunks.length - missing.length };
}

function encodeVector(v: number[]): string {
  return Buffer.from(new Float32Array(v).buffer).toString('base64');
}

function decodeVector(s: string): number[] {
  const buf = Buffer.from(s, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
}

/** Write-then-rename, so readers see the old file or the new one, never half of one. */
export async function writeAtomically(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  await fs.writeFile(tmp, content);
  await fs.rename(tmp, file);
}

async function pruneBuilds(buildsDir: string, current: string, previous: string | undefined): Promise<void> {
  // Keep the previous build: a bot that has not switched yet may still be reading it.
  const keep = new Set([current, previous]);
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

/** A loaded index: chunks, the knowledge they came from, and both search structures. */
export interface LoadedIndex {
  manifest: IndexManifest;
  knowledge: KnowledgeBase;
  chunks: KnowledgeChunk[];
  chunkById: Map<string, KnowledgeChunk>;
  lexical: LexicalIndex;
  vector: HNSWLib;
  embeddings: Embeddings;
}

/** Thrown when there is no index yet; the message tells the admin what to run. */
export class IndexMissingError extends Error {
  constructor(indexRoot: string) {
    super(`Indeks belum dibuat di ${indexRoot}. Jalankan: npm run reindex`);
    this.name = 'IndexMissingError';
  }
}

/** Loads the current build (or `buildId`). */
export async function loadIndex(indexRoot: string, config: Config, buildId?: string): Promise<LoadedIndex> {
  const id = buildId ?? (await readCurrentBuild(indexRoot));
  if (!id) throw new IndexMissingError(indexRoot);
  const dir = path.join(indexRoot, 'builds', id);
  const [manifestRaw, chunksRaw, knowledgeRaw, lexicalRaw] = await Promise.all(
    ['manifest.json', 'chunks.json', 'knowledge.json', 'lexical.json'].map((f) => fs.readFile(path.join(dir, f), 'utf8')),
  );
  const manifest = JSON.parse(manifestRaw!) as IndexManifest;
  const embeddings = createEmbeddings(manifest.embedder, config);
  const vector = await HNSWLib.load(path.join(dir, 'vector'), embeddings);
  // ef is not persisted; 10 (the default) loses recall, 64 costs well under a millisecond here.
  vector.index.setEf(64);
  const chunks = JSON.parse(chunksRaw!) as KnowledgeChunk[];
  return {
    manifest,
    knowledge: fromSnapshot(JSON.parse(knowledgeRaw!) as KnowledgeSnapshot),
    chunks,
    chunkById: new Map(chunks.map((c) => [c.id, c])),
    lexical: LexicalIndex.fromJSON(lexicalRaw!),
    vector,
    embeddings,
  };
}
