import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

const USAGE = 'Pemakaian: npm run corpus:check [-- --record] [--shared DIR] [--knowledge DIR]';

/**
 * `npm run corpus:check`: law and news texts in knowledge/ must be verbatim copies of the shared
 * corpus (`../shared/corpus/{regulations,secondary}/*.md` → `knowledge/regulations/`, and
 * `../shared/seeds/*.txt` → `knowledge/news/*.md`), front matter aside. The corpus is not a git
 * repository, so knowledge/CORPUS.json records the content hash of each corpus file the knowledge
 * was taken from; `--record` rewrites it after knowledge/ has been updated from the corpus.
 *
 * With ../shared beside the repository it compares and fails on any text that differs; without
 * it (a fresh clone elsewhere) it says so and checks knowledge/ against the recorded hashes only.
 */

export const CorpusRecordSchema = z.object({
  note: z.string(),
  recordedAt: z.string(),
  /** sha256 over the sorted `sha256  path` lines of every corpus and seed file seen when recording. */
  snapshotSha256: z.string().regex(/^[0-9a-f]{64}$/),
  files: z.array(
    z.object({
      source: z.string(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      knowledge: z.string(),
      bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
  /** Corpus files that had no verbatim counterpart in knowledge/ when recording. */
  notTaken: z.array(z.string()),
});
export type CorpusRecord = z.infer<typeof CorpusRecordSchema>;

export const RECORD_FILE = 'CORPUS.json';

interface Pair {
  /** Relative to the shared folder, e.g. `corpus/regulations/pp-94-2021-disiplin-pns.md`. */
  source: string;
  sourcePath: string;
  /** Relative to knowledge/, e.g. `regulations/pp-94-2021-disiplin-pns.md`. */
  knowledge: string;
  knowledgePath: string;
}

export interface CorpusReport {
  sharedPresent: boolean;
  same: string[];
  differs: string[];
  missing: string[];
  /** Corpus files whose content changed since the record (the knowledge may be behind). */
  changedSinceRecord: string[];
  /** Knowledge files whose body no longer matches the recorded hash (edited without re-recording). */
  staleRecord: string[];
  record?: CorpusRecord;
}

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const bodyOf = (raw: string) => raw.replace(/^---\n[\s\S]*?\n---\n/, '');

function listPairs(sharedDir: string, knowledgeDir: string): Pair[] {
  const pairs: Pair[] = [];
  const list = (dir: string, ext: string) => {
    try {
      return fs.readdirSync(dir).filter((f) => f.endsWith(ext)).sort();
    } catch {
      return [];
    }
  };
  for (const sub of ['regulations', 'secondary']) {
    for (const f of list(path.join(sharedDir, 'corpus', sub), '.md')) {
      pairs.push({
        source: `corpus/${sub}/${f}`,
        sourcePath: path.join(sharedDir, 'corpus', sub, f),
        knowledge: `regulations/${f}`,
        knowledgePath: path.join(knowledgeDir, 'regulations', f),
      });
    }
  }
  for (const f of list(path.join(sharedDir, 'seeds'), '.txt')) {
    const md = f.replace(/\.txt$/, '.md');
    pairs.push({ source: `seeds/${f}`, sourcePath: path.join(sharedDir, 'seeds', f), knowledge: `news/${md}`, knowledgePath: path.join(knowledgeDir, 'news', md) });
  }
  return pairs;
}

/** The knowledge body of a corpus text: regulations lose their front matter, seeds are whole. */
function sourceBody(pair: Pair): string {
  const raw = fs.readFileSync(pair.sourcePath, 'utf8');
  return pair.source.startsWith('seeds/') ? raw : bodyOf(raw);
}

export function readRecord(knowledgeDir: string): CorpusRecord | undefined {
  const file = path.join(knowledgeDir, RECORD_FILE);
  if (!fs.existsSync(file)) return undefined;
  const parsed = CorpusRecordSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Compares knowledge/ with the shared corpus (when present) and with the record. */
export function checkCorpus(sharedDir: string, knowledgeDir: string): CorpusReport {
  const record = readRecord(knowledgeDir);
  const report: CorpusReport = { sharedPresent: fs.existsSync(path.join(sharedDir, 'corpus')), same: [], differs: [], missing: [], changedSinceRecord: [], staleRecord: [], record };
  for (const f of record?.files ?? []) {
    const p = path.join(knowledgeDir, f.knowledge);
    if (!fs.existsSync(p) || sha256(bodyOf(fs.readFileSync(p, 'utf8'))) !== f.bodySha256) report.staleRecord.push(f.knowledge);
  }
  if (!report.sharedPresent) return report;
  const recorded = new Map((record?.files ?? []).map((f) => [f.source, f.sha256]));
  for (const pair of listPairs(sharedDir, knowledgeDir)) {
    const shaNow = sha256(fs.readFileSync(pair.sourcePath, 'utf8'));
    const was = recorded.get(pair.source);
    if (was !== undefined && was !== shaNow) report.changedSinceRecord.push(pair.source);
    if (!fs.existsSync(pair.knowledgePath)) {
      report.missing.push(pair.source);
      continue;
    }
    const ours = bodyOf(fs.readFileSync(pair.knowledgePath, 'utf8'));
    (ours === sourceBody(pair) ? report.same : report.differs).push(pair.source);
  }
  return report;
}

/** Writes knowledge/CORPUS.json from the corpus files that knowledge/ holds verbatim. */
export function recordCorpus(sharedDir: string, knowledgeDir: string, now: Date = new Date()): CorpusRecord {
  const pairs = listPairs(sharedDir, knowledgeDir);
  if (pairs.length === 0) throw new Error(`tidak ada korpus di ${sharedDir}: --record membutuhkan ../shared/corpus`);
  const snapshot = pairs.map((p) => `${sha256(fs.readFileSync(p.sourcePath, 'utf8'))}  ${p.source}`).sort();
  const files: CorpusRecord['files'] = [];
  const notTaken: string[] = [];
  for (const pair of pairs) {
    const body = fs.existsSync(pair.knowledgePath) ? bodyOf(fs.readFileSync(pair.knowledgePath, 'utf8')) : undefined;
    if (body === undefined || body !== sourceBody(pair)) {
      notTaken.push(pair.source);
      continue;
    }
    files.push({ source: pair.source, sha256: sha256(fs.readFileSync(pair.sourcePath, 'utf8')), knowledge: pair.knowledge, bodySha256: sha256(body) });
  }
  const record: CorpusRecord = {
    note: 'Provenance of knowledge/: the shared corpus files (../shared/corpus, ../shared/seeds; not a git repository) whose text knowledge/ holds verbatim, by content hash. Written by `npm run corpus:check -- --record`; checked by `npm run corpus:check`.',
    recordedAt: now.toISOString(),
    snapshotSha256: sha256(`${snapshot.join('\n')}\n`),
    files,
    notTaken,
  };
  fs.writeFileSync(path.join(knowledgeDir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} membutuhkan nilai.`);
    return v;
  };
  const sharedDir = path.resolve(opt('--shared') ?? path.join('..', 'shared'));
  const knowledgeDir = path.resolve(opt('--knowledge') ?? 'knowledge');
  if (args.includes('--record')) {
    const r = recordCorpus(sharedDir, knowledgeDir);
    console.log(`knowledge/${RECORD_FILE} ditulis: ${r.files.length} berkas korpus tercatat, ${r.notTaken.length} belum diambil, snapshot ${r.snapshotSha256.slice(0, 12)}.`);
    for (const s of r.notTaken) console.log(`  belum diambil: ${s}`);
    return 0;
  }
  const report = checkCorpus(sharedDir, knowledgeDir);
  const rec = report.record;
  console.log(
    rec
      ? `Catatan asal (knowledge/${RECORD_FILE}): ${rec.files.length} berkas, snapshot ${rec.snapshotSha256.slice(0, 12)}, dicatat ${rec.recordedAt.slice(0, 10)}.`
      : `Belum ada knowledge/${RECORD_FILE}; buat dengan: npm run corpus:check -- --record`,
  );
  for (const f of report.staleRecord) console.log(`  GAGAL: ${f} berubah sejak dicatat (ambil ulang dari korpus lalu jalankan --record)`);
  if (!report.sharedPresent) {
    console.log(`${path.join(sharedDir, 'corpus')} tidak ada di sebelah repositori: perbandingan dengan korpus dilewati; knowledge/ hanya diperiksa terhadap hash yang tercatat.`);
    return report.staleRecord.length > 0 ? 1 : 0;
  }
  console.log(`Dibandingkan dengan ${sharedDir}: ${report.same.length} sama persis, ${report.differs.length} berbeda, ${report.missing.length} belum ada di knowledge/.`);
  for (const f of report.differs) console.log(`  GAGAL: ${f} — teks di knowledge/ tidak sama persis dengan korpus`);
  for (const f of report.missing) console.log(`  belum diambil: ${f}`);
  for (const f of report.changedSinceRecord) console.log(`  korpus berubah sejak dicatat: ${f}`);
  if (rec && report.changedSinceRecord.length === 0 && report.differs.length === 0 && report.staleRecord.length === 0) {
    console.log('  catatan asal sesuai dengan korpus.');
  }
  return report.differs.length > 0 || report.staleRecord.length > 0 ? 1 : 0;
}

runIfInvokedDirectly(import.meta.url, main, 'corpus:check', USAGE);
