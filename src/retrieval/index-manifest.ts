import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * The JSON files of an index directory and their zod schemas: `CURRENT` (which build is in use)
 * and each build's `manifest.json` (what it was built from, with, and the checksum of each of
 * its files). Everything read back from the index directory is validated: a damaged file is
 * a broken build, never a crash or an index read as something it is not.
 */

/** `20261201093000-a1b2c3`: when the build started (UTC) and a random suffix. Nothing else names a build. */
export const BUILD_ID = /^\d{14}-[0-9a-f]{6}$/;

export const CurrentPointerSchema = z.object({ buildId: z.string().regex(BUILD_ID), builtAt: z.string().optional() });

const FileChecksumSchema = z.object({ bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type FileChecksum = z.infer<typeof FileChecksumSchema>;

const SourceFileSchema = z.object({ bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type SourceFile = z.infer<typeof SourceFileSchema>;

export const EmbedderInfoSchema = z.object({ provider: z.enum(['local', 'openai']), model: z.string().min(1) });

export const IndexManifestSchema = z.object({
  version: z.literal(2),
  /** See index-format.ts: layout + hash of the analysis and chunking + lexicons. */
  format: z.string().min(1),
  buildId: z.string().regex(BUILD_ID),
  builtAt: z.string(),
  embedder: EmbedderInfoSchema.extend({ dimensions: z.number().int().min(0) }),
  documents: z.record(z.string(), z.object({ hash: z.string(), file: z.string(), kind: z.string() })),
  cards: z.record(z.string(), z.string()),
  calendarHash: z.string(),
  /** Hash of knowledge/lexicon (the situation vocabulary), as the knowledge loader computes it. */
  lexiconHash: z.string(),
  /** Every file of knowledge/ the build read, by path relative to it: a re-index with the same set is a no-op. */
  sources: z.record(z.string(), SourceFileSchema),
  /** Every file of the build directory except the manifest itself. */
  files: z.record(z.string(), FileChecksumSchema),
  counts: z.object({
    documents: z.number().int(),
    regulations: z.number().int(),
    news: z.number().int(),
    cards: z.number().int(),
    chunks: z.number().int(),
    elections: z.number().int(),
  }),
  /** How the build was made: from scratch, or updated from the previous build in place. */
  incrementalFrom: z.string().regex(BUILD_ID).optional(),
  buildMs: z.number(),
});
export type IndexManifest = z.infer<typeof IndexManifestSchema>;

/** Why a build cannot be used. */
export class BrokenBuildError extends Error {
  constructor(
    readonly buildId: string,
    readonly reason: string,
  ) {
    super(`Indeks ${buildId} rusak atau tidak cocok: ${reason}`);
    this.name = 'BrokenBuildError';
  }
}

export const CURRENT_FILE = 'CURRENT';
export const MANIFEST_FILE = 'manifest.json';

export function buildDir(indexRoot: string, buildId: string): string {
  if (!BUILD_ID.test(buildId)) throw new Error(`not a build id: ${JSON.stringify(buildId)}`);
  return path.join(indexRoot, 'builds', buildId);
}

/**
 * The build `CURRENT` names, or undefined when there is none — or when the pointer is not a
 * well-formed build id: a pointer such as `../../../../etc` is never followed.
 */
export async function readCurrentBuild(indexRoot: string): Promise<string | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(indexRoot, CURRENT_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = CurrentPointerSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.buildId : undefined;
  } catch {
    return undefined;
  }
}

/** Reads and validates a build's manifest; throws {@link BrokenBuildError} when it is missing or malformed. */
export async function readManifestOf(indexRoot: string, buildId: string): Promise<IndexManifest> {
  let raw: string;
  try {
    raw = await fs.readFile(path.join(buildDir(indexRoot, buildId), MANIFEST_FILE), 'utf8');
  } catch (err) {
    throw new BrokenBuildError(buildId, `${MANIFEST_FILE} tidak terbaca (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new BrokenBuildError(buildId, `${MANIFEST_FILE} bukan JSON yang utuh`);
  }
  const parsed = IndexManifestSchema.safeParse(json);
  if (!parsed.success) throw new BrokenBuildError(buildId, `${MANIFEST_FILE} tidak valid (${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message})`);
  if (parsed.data.buildId !== buildId) throw new BrokenBuildError(buildId, `${MANIFEST_FILE} milik build lain (${parsed.data.buildId})`);
  return parsed.data;
}

/** The current build's manifest, or undefined when there is no usable one. */
export async function readManifest(indexRoot: string, buildId?: string): Promise<IndexManifest | undefined> {
  const id = buildId ?? (await readCurrentBuild(indexRoot));
  if (!id || !BUILD_ID.test(id)) return undefined;
  return readManifestOf(indexRoot, id).catch(() => undefined);
}

/** Complete builds on disk, newest first (ids start with their time). */
export async function listBuilds(indexRoot: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(indexRoot, 'builds'))).filter((e) => BUILD_ID.test(e)).sort().reverse();
  } catch {
    return [];
  }
}
