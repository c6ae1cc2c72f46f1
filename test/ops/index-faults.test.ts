import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnswerPipeline } from '../../src/answer/pipeline.js';
import { ensureIndex } from '../../src/retrieval/ensure-index.js';
import { buildIndex, loadIndex, readCurrentBuild } from '../../src/retrieval/index-store.js';
import { type Scratch, scratchKnowledge } from '../support/temp-knowledge.js';
import { REPO_ROOT } from '../support/test-app.js';

/**
 * An index on disk that is damaged, stale or pointed at something else must never stop Netra:
 * `npm start` heals it (rebuild from knowledge/, or the last good build), `npm run reindex` never
 * calls it up to date, and a build is only made current once every byte of it is on disk.
 */

const QUESTION = 'Bolehkah PNS like postingan caleg di Instagram?';
/** The compiled CLI (dist/, built by the ops project's global setup), as `npm run ask` runs it. */
const ASK = path.join(REPO_ROOT, 'dist', 'src', 'cli', 'ask.js');

let scratch: Scratch | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  scratch?.cleanup();
  scratch = undefined;
});

async function builtScratch(): Promise<{ s: Scratch; buildId: string; dir: string }> {
  const s = scratchKnowledge();
  scratch = s;
  const { buildId } = await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config });
  return { s, buildId, dir: path.join(s.config.indexDir, 'builds', buildId) };
}

/** The build's lexical index file, whatever its format. */
function lexicalFile(dir: string): string {
  const name = fs.readdirSync(dir).find((f) => f.startsWith('lexical.'));
  if (!name) throw new Error(`no lexical index in ${dir}`);
  return path.join(dir, name);
}

/** The file a build keeps the chunk texts in: chunks.json in older layouts, else the knowledge snapshot. */
function textFile(dir: string): string {
  const chunks = path.join(dir, 'chunks.json');
  return fs.existsSync(chunks) ? chunks : path.join(dir, 'knowledge.json');
}

/** The HNSW graph file, wherever the layout keeps it. */
function hnswFile(dir: string): string {
  const found = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).find((f) => /hnsw/.test(path.basename(f)) && !f.endsWith('.json'));
  if (!found) throw new Error(`no HNSW file in ${dir}`);
  return path.join(dir, found);
}

const truncate = (file: string) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));

const DAMAGE: [string, (dir: string) => void][] = [
  ['a truncated chunk text file', (dir) => truncate(textFile(dir))],
  [
    'a garbled lexical index (same size, other bytes)',
    (dir) => {
      const file = lexicalFile(dir);
      const bytes = fs.readFileSync(file);
      for (let i = 0; i < bytes.length; i += 7) bytes[i] = (bytes[i]! * 31 + 17) & 0xff;
      fs.writeFileSync(file, bytes);
    },
  ],
  ['a deleted knowledge.json', (dir) => fs.rmSync(path.join(dir, 'knowledge.json'))],
  ['a truncated HNSW graph', (dir) => truncate(hnswFile(dir))],
];

/** Runs the real, compiled `ask` CLI (what `npm start` also does first: load the index) on the scratch data. */
function askCli(s: Scratch) {
  return spawnSync(process.execPath, [ASK, '--json', QUESTION], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NETRA_DATA_DIR: s.dataDir, NETRA_KNOWLEDGE_DIR: s.knowledgeDir },
    encoding: 'utf8',
    timeout: 90_000,
  });
}

describe('a damaged index at start', { timeout: 120_000 }, () => {
  for (const [what, damage] of DAMAGE) {
    it(`${what}: start rebuilds it and answers with citations`, async () => {
      const { s, buildId, dir } = await builtScratch();
      damage(dir);
      const index = await ensureIndex(s.config);
      expect(index.manifest.buildId).not.toBe(buildId);
      expect(await readCurrentBuild(s.config.indexDir)).toBe(index.manifest.buildId);
      const { answer } = await new AnswerPipeline({ index: () => index }).ask(QUESTION);
      expect(answer.verdict).toBe('dilarang');
      expect(answer.citations.length).toBeGreaterThan(0);
    });
  }

  it('the real CLI on a truncated chunk text file exits 0 with a cited answer (no exit-and-restart loop)', async () => {
    const { s, buildId, dir } = await builtScratch();
    DAMAGE[0]![1](dir);
    const r = askCli(s);
    expect(r.status, r.stderr.slice(-800)).toBe(0);
    const answer = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { verdict: string; citations: unknown[] };
    expect(answer.verdict).toBe('dilarang');
    expect(answer.citations.length).toBeGreaterThan(0);
    expect(await readCurrentBuild(s.config.indexDir)).not.toBe(buildId);
  });
});

describe('a damaged index at re-index', { timeout: 60_000 }, () => {
  for (const [what, damage] of DAMAGE) {
    it(`${what}: npm run reindex replaces it instead of saying "Indeks sudah mutakhir"`, async () => {
      const { s, buildId, dir } = await builtScratch();
      damage(dir);
      const summary = await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config });
      expect(summary.noop).toBe(false);
      expect(summary.buildId).not.toBe(buildId);
      const index = await loadIndex(s.config.indexDir, s.config);
      expect(index.chunks.length).toBe(summary.manifest.counts.chunks);
      // And the next run, with nothing damaged or changed, is a no-op again.
      expect((await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config })).noop).toBe(true);
    });
  }
});

/**
 * Damage the checksums cannot see: a build whose manifest was written with the damaged file's own
 * checksum (faulty code, a disk that lies). Then the reader's own checks of the binary layout must
 * refuse it, say in Indonesian which file of which build, and start rebuilds it with nothing lost.
 */
describe('a binary file that matches its checksum but not its layout', { timeout: 120_000 }, () => {
  const rechecksum = (dir: string, name: string) => {
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files: Record<string, { bytes: number; sha256: string }> };
    const bytes = fs.readFileSync(path.join(dir, name));
    manifest.files[name] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    fs.rmSync(path.join(dir, 'verified.json'), { force: true });
  };
  const cases: [string, string, (file: string) => void][] = [
    ['the BM25 postings cut inside their 8-bit counts', 'lexical.bin', (f) => fs.truncateSync(f, fs.statSync(f).size - 12)],
    ['the BM25 postings with a byte appended', 'lexical.bin', (f) => fs.appendFileSync(f, Buffer.from([1]))],
    ['the legal-structure offsets truncated', 'knowledge-nodes.bin', (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2))],
  ];
  for (const [what, name, damage] of cases) {
    it(`${what}: refused with the file named in Indonesian, rebuilt at start, the same chunks and answers`, async () => {
      const { s, buildId, dir } = await builtScratch();
      const before = await loadIndex(s.config.indexDir, s.config);
      const answerBefore = (await new AnswerPipeline({ index: () => before }).ask(QUESTION)).answer;
      damage(path.join(dir, name));
      rechecksum(dir, name);
      const refused = await loadIndex(s.config.indexDir, s.config).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(refused?.name).toBe('BrokenBuildError');
      expect(refused?.message).toContain(`Indeks ${buildId} rusak atau tidak cocok: ${name} tidak dapat dibaca`);

      const warnings: string[] = [];
      const logger = { warn: (o: { reason?: string }) => warnings.push(o.reason ?? ''), error: () => undefined, info: () => undefined };
      const index = await ensureIndex(s.config, logger as unknown as Parameters<typeof ensureIndex>[1]);
      expect(warnings.join('\n')).toContain(`${name} tidak dapat dibaca`);
      expect(index.manifest.buildId).not.toBe(buildId);
      expect(index.chunks.map((c) => c.id)).toEqual(before.chunks.map((c) => c.id));
      expect((await new AnswerPipeline({ index: () => index }).ask(QUESTION)).answer).toEqual(answerBefore);
    });
  }
});

describe('the CURRENT pointer', () => {
  it('a build id such as ../../../../etc is never followed', async () => {
    const { s, dir } = await builtScratch();
    const root = s.config.indexDir;
    for (const bad of ['../../../../etc', '../builds', 'x/../../y', '', '20261201000000-abcdef/..']) {
      fs.writeFileSync(path.join(root, 'CURRENT'), JSON.stringify({ buildId: bad }));
      expect(await readCurrentBuild(root), bad).toBeUndefined();
    }
    // A complete build copied outside builds/ and named by a traversal: start builds its own instead.
    const decoy = path.join(s.root, 'decoy');
    fs.cpSync(dir, decoy, { recursive: true });
    fs.writeFileSync(path.join(root, 'CURRENT'), JSON.stringify({ buildId: path.relative(path.join(root, 'builds'), decoy) }));
    const index = await ensureIndex(s.config);
    expect(index.manifest.buildId).toMatch(/^\d{14}-[0-9a-f]{6}$/);
    expect(await readCurrentBuild(root)).toBe(index.manifest.buildId);
    expect(fs.existsSync(path.join(root, 'builds', index.manifest.buildId))).toBe(true);
  });
});

describe('a build made by other code', () => {
  const edits: [string, (m: Record<string, unknown>) => void][] = [
    ['another analysis format', (m) => (m.format = 'netra-index-6+0123456789abcdef+0123456789abcdef')],
    ['another local embedder', (m) => ((m.embedder as { model: string }).model = 'netra-hash-v4')],
  ];
  for (const [what, edit] of edits) {
    it(`${what}: start rebuilds instead of answering from it; re-index is not a no-op`, async () => {
      const { s, buildId, dir } = await builtScratch();
      const manifestFile = path.join(dir, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
      edit(manifest);
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
      const index = await ensureIndex(s.config);
      expect(index.manifest.buildId).not.toBe(buildId);
      edit(manifest);
      fs.writeFileSync(path.join(s.config.indexDir, 'builds', index.manifest.buildId, 'manifest.json'), JSON.stringify({ ...manifest, buildId: index.manifest.buildId }));
      const summary = await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config });
      expect(summary.noop).toBe(false);
    });
  }
});

describe('falling back to the last good build', () => {
  it('a damaged current build and a knowledge file broken meanwhile: start serves the previous build and points CURRENT back to it', async () => {
    const { s, buildId: good } = await builtScratch();
    const card = path.join(s.knowledgeDir, 'cases', fs.readdirSync(path.join(s.knowledgeDir, 'cases'))[0]!);
    fs.appendFileSync(card, '\nCatatan tambahan admin.\n');
    const second = await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config });
    expect(second.buildId).not.toBe(good);
    fs.rmSync(path.join(s.config.indexDir, 'builds', second.buildId, 'knowledge.json'));
    const reg = path.join(s.knowledgeDir, 'regulations', 'uu-7-2017-pemilu.md');
    fs.writeFileSync(reg, fs.readFileSync(reg, 'utf8').replace(/^status: .*$/m, 'status: kedaluwarsa'));

    const index = await ensureIndex(s.config);
    expect(index.manifest.buildId).toBe(good);
    expect(await readCurrentBuild(s.config.indexDir)).toBe(good);
    const { answer } = await new AnswerPipeline({ index: () => index }).ask(QUESTION);
    expect(answer.verdict).toBe('dilarang');
    expect(answer.citations.length).toBeGreaterThan(0);
  });
});

describe('what is read back is validated', () => {
  it('a knowledge.json of the wrong shape (checksum matching) is refused, and start rebuilds', async () => {
    const { s, buildId, dir } = await builtScratch();
    const file = textFile(dir);
    const wrong = JSON.stringify({ documents: [{ id: 1, text: null }] });
    fs.writeFileSync(file, wrong);
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files?: Record<string, { bytes: number; sha256: string }> };
    if (manifest.files) {
      const { createHash } = await import('node:crypto');
      manifest.files[path.basename(file)] = { bytes: Buffer.byteLength(wrong), sha256: createHash('sha256').update(wrong).digest('hex') };
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    }
    await expect(loadIndex(s.config.indexDir, s.config)).rejects.toThrow(new RegExp(path.basename(file).replace('.', '\\.')));
    const index = await ensureIndex(s.config);
    expect(index.manifest.buildId).not.toBe(buildId);
    expect(index.chunks.length).toBeGreaterThan(100);
    expect(index.chunks.every((c) => typeof c.id === 'string' && typeof c.text === 'string')).toBe(true);
  });
});

describe('switching CURRENT', () => {
  it('every file of the new build and its directory are flushed to disk before CURRENT names it', async () => {
    const s = scratchKnowledge();
    scratch = s;
    const synced: string[] = [];
    const events: string[] = [];
    const open = fsp.open.bind(fsp);
    vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
      const handle = await open(...args);
      const file = String(args[0]);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        await sync();
        synced.push(file);
        events.push(`sync ${file}`);
      };
      return handle;
    });
    const rename = fsp.rename.bind(fsp);
    vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
      events.push(`rename ${String(to)}`);
      return rename(from, to);
    });
    const { buildId } = await buildIndex({ knowledgeDir: s.knowledgeDir, indexRoot: s.config.indexDir, config: s.config });
    const current = path.join(s.config.indexDir, 'CURRENT');
    const switched = events.indexOf(`rename ${current}`);
    expect(switched).toBeGreaterThan(0);
    const before = events.slice(0, switched);
    const buildDir = path.join(s.config.indexDir, 'builds', buildId);
    for (const name of fs.readdirSync(buildDir).filter((f) => f !== 'verified.json')) {
      expect(before.some((e) => e === `sync ${path.join(`${buildDir}.partial`, name)}`), name).toBe(true);
    }
    expect(before).toContain(`sync ${path.join(s.config.indexDir, 'builds')}`);
    // The pointer's own content is flushed before its rename, and its directory after.
    expect(synced.some((f) => f.startsWith(`${current}.`))).toBe(true);
    expect(events.slice(switched)).toContain(`sync ${s.config.indexDir}`);
  });
});
