import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVectorizer, groupBySimilarity } from '../../scripts/gaps.js';
import { formatStats } from '../../scripts/stats.js';
import { openDatabase } from '../../src/storage/database.js';
import { type GapCandidate, QuestionLog } from '../../src/storage/question-log.js';
import { KNOWLEDGE_DIR, REPO_ROOT } from '../support/test-app.js';

const run = promisify(execFile);
/** The compiled scripts (dist/, built by the ops project's global setup), as `npm run <script>` runs them. */
const compiled = (name: string) => path.join(REPO_ROOT, 'dist', 'scripts', name.replace(/\.ts$/, '.js'));

async function script(name: string, args: string[], dataDir: string, extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NETRA_DATA_DIR: dataDir, NETRA_KNOWLEDGE_DIR: KNOWLEDGE_DIR, ...extraEnv };
  try {
    const { stdout, stderr } = await run(process.execPath, [compiled(name), ...args], { cwd: REPO_ROOT, env, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Gap questions a real log would show: three themes the corpus lacks, phrased differently, plus noise. */
const GAP_QUESTIONS: [string, string, 'tidak_pasti' | 'di_luar_topik' | 'dilarang', string][] = [
  ['Bolehkah PNS jadi admin grup tiktok calon?', 'telegram', 'tidak_pasti', '2024-01-10T03:00:00Z'],
  ['pns boleh gak jadi admin akun tiktok paslon', 'whatsapp', 'tidak_pasti', '2024-01-11T03:00:00Z'],
  ['Apakah ASN boleh jadi admin TikTok caleg?', 'http', 'tidak_pasti', '2024-01-11T18:00:00Z'],
  ['Bolehkah PNS ikut arisan yang dihadiri caleg?', 'telegram', 'tidak_pasti', '2024-01-12T03:00:00Z'],
  ['arisan ibu2 PNS didatangi calon bupati boleh?', 'telegram', 'tidak_pasti', '2024-01-12T04:00:00Z'],
  ['Berapa gaji PNS golongan 3?', 'telegram', 'di_luar_topik', '2024-01-12T05:00:00Z'],
  ['gaji pns gol III berapa', 'telegram', 'di_luar_topik', '2024-01-12T06:00:00Z'],
  ['PNS boleh jualan kaos caleg di toko online?', 'whatsapp', 'tidak_pasti', '2024-01-13T03:00:00Z'],
  ['bolehkah pns jual atribut kampanye', 'whatsapp', 'tidak_pasti', '2024-01-13T04:00:00Z'],
  ['Bolehkah PNS like postingan caleg?', 'telegram', 'dilarang', '2024-01-13T05:00:00Z'],
];

function candidate(id: number, question: string, createdAt = '2024-01-10T00:00:00Z'): GapCandidate {
  return { questionId: id, question, verdict: 'tidak_pasti', channel: 'telegram', createdAt, up: 0, down: 0, reasons: ['tidak_pasti'] };
}

describe('gaps: grouping by similarity', () => {
  const vectorize = createVectorizer(['Bolehkah PNS ikut kampanye calon?', 'Apakah ASN boleh mendukung calon presiden?', 'PNS like postingan calon']);

  it('paraphrases of one missing topic land in one group; different topics stay apart', () => {
    const items = [
      candidate(1, 'Bolehkah PNS jadi admin grup tiktok calon?'),
      candidate(2, 'Berapa gaji PNS golongan 3?'),
      candidate(3, 'pns boleh gak jadi admin akun tiktok paslon'),
      candidate(4, 'gaji pns gol III berapa'),
      candidate(5, 'Apakah ASN boleh jadi admin TikTok caleg?'),
      candidate(6, 'resep nasi goreng'),
    ];
    const groups = groupBySimilarity(items, vectorize, 0.3);
    const ids = groups.map((g) => [g.representative, ...g.others].map((c) => c.questionId).sort());
    expect(ids).toEqual([[1, 3, 5], [2, 4], [6]]);
    expect(groups[0]!.size).toBe(3);
    expect(groups[0]!.reasons).toEqual({ tidak_pasti: 3, tidak_disukai: 0 });
  });

  it('a higher threshold splits, a lower one merges; empty text never joins a group', () => {
    const items = [candidate(1, 'Bolehkah PNS jadi admin grup tiktok calon?'), candidate(2, 'pns boleh gak jadi admin akun tiktok paslon'), candidate(3, '🙂🙂')];
    expect(groupBySimilarity(items, vectorize, 0.99).length).toBe(3);
    expect(groupBySimilarity(items, vectorize, 0.3).length).toBe(2);
    expect(groupBySimilarity(items, vectorize, 0.01).find((g) => g.representative.questionId === 3 || g.others.some((o) => o.questionId === 3))!.size).toBe(1);
  });

  it('the representative is the member closest to the group (not merely the first)', () => {
    const items = [
      candidate(1, 'PNS admin tiktok calon bupati kampanye di kantor saat jam kerja pakai laptop dinas?'),
      candidate(2, 'pns jadi admin tiktok calon'),
      candidate(3, 'Bolehkah ASN jadi admin akun TikTok calon?'),
      candidate(4, 'admin tiktok calon oleh pns boleh?'),
    ];
    const [g] = groupBySimilarity(items, vectorize, 0.2);
    expect(g!.size).toBe(4);
    expect(g!.representative.questionId).not.toBe(1);
  });
});

describe('stats: formatting', () => {
  it('an empty database reads as zeros, not as an error', () => {
    const db = openDatabase(':memory:');
    try {
      const text = formatStats(new QuestionLog(db).stats());
      expect(text).toContain('sepanjang waktu');
      expect(text).toMatch(/Pertanyaan: 0\s+Laporan: 0/);
      expect(text).toContain('(belum ada)');
      expect(text).toMatch(/diterima\s+0/);
    } finally {
      db.close();
    }
  });
});

describe('stats and gaps scripts on a real database', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-ops-scripts-'));
    const db = openDatabase(path.join(dataDir, 'netra.sqlite'));
    const log = new QuestionLog(db);
    const ids = GAP_QUESTIONS.map(([question, channel, verdict, at]) => log.logQuestion({ channel, chatHash: 'h', question, verdict, at: new Date(at) }));
    log.recordFeedback(ids[5]!, 'down', 'u1');
    log.recordFeedback(ids[6]!, 'down', 'u2');
    log.recordFeedback(ids[9]!, 'up', 'u3');
    db.close();
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stats --json reports per day (WIB), verdicts, feedback and reports', async () => {
    const r = await script('stats.ts', ['--json'], dataDir);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      totals: { questions: number; reports: number };
      questionsPerDay: { day: string; channel: string; count: number }[];
      verdicts: Record<string, number>;
      feedback: { up: number; down: number };
      reportsByStatus: Record<string, number>;
    };
    expect(s.totals).toEqual({ questions: 10, reports: 0 });
    expect(s.verdicts).toEqual({ tidak_pasti: 7, di_luar_topik: 2, dilarang: 1 });
    expect(s.feedback).toEqual({ up: 1, down: 2 });
    expect(s.reportsByStatus.diterima).toBe(0);
    // 2024-01-11T18:00Z is 2024-01-12 01:00 WIB.
    expect(s.questionsPerDay).toContainEqual({ day: '2024-01-12', channel: 'http', count: 1 });
    expect(s.questionsPerDay).toContainEqual({ day: '2024-01-12', channel: 'telegram', count: 4 });
  });

  it('stats --since filters, and prints readable tables without --json', async () => {
    const json = await script('stats.ts', ['--since', '2024-01-13', '--json'], dataDir);
    expect(JSON.parse(json.stdout).totals.questions).toBe(3);
    const text = await script('stats.ts', ['--since', '2024-01-12'], dataDir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('sejak 2024-01-12');
    expect(text.stdout).toMatch(/Pertanyaan: 8\b/);
    expect(text.stdout).toMatch(/belum pasti\s+5/);
    expect(text.stdout).toMatch(/👍 1\s+👎 2/);
    expect(text.stdout).toMatch(/2024-01-13\s+0\s+1\s+2\s+3/);
  });

  it('stats rejects a bad date with a clear message', async () => {
    const r = await script('stats.ts', ['--since', '2024-13-01'], dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Tanggal tidak valid: 2024-13-01/);
  });

  it('stats on a fresh install shows zeros and creates no database', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-ops-empty-'));
    try {
      const r = await script('stats.ts', [], empty);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Pertanyaan: 0/);
      expect(fs.existsSync(path.join(empty, 'netra.sqlite'))).toBe(false);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('gaps --json groups the unsure and disliked questions by theme', async () => {
    const r = await script('gaps.ts', ['--json'], dataDir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { candidates: number; groups: { size: number; representative: GapCandidate; others: GapCandidate[] }[] };
    expect(out.candidates).toBe(9); // 7 tidak_pasti + 2 disliked; the liked "dilarang" answer is not a gap
    const themes = out.groups.map((g) => [g.representative, ...g.others].map((c) => c.question));
    const find = (word: RegExp) => themes.find((qs) => qs.some((q) => word.test(q)))!;
    expect(find(/tiktok/i)).toHaveLength(3);
    expect(find(/gaji/i)).toHaveLength(2);
    expect(find(/arisan/i)).toHaveLength(2);
    expect(find(/jual/i)).toHaveLength(2);
    expect(out.groups.map((g) => g.size)).toEqual([3, 2, 2, 2]);
  });

  it('gaps prints each group with its size, a representative and the others', async () => {
    const r = await script('gaps.ts', [], dataDir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/9 pertanyaan dalam 4 kelompok/);
    expect(r.stdout).toMatch(/^1\. \[3×\] .*tiktok/im);
    expect(r.stdout).toMatch(/2 tidak disukai/);
    expect(r.stdout).toMatch(/^ {3}- ".*gaji/im);
  });
});

describe('bench script', () => {
  it(
    'prints readable lines and, as the last line, one JSON object with the agreed keys',
    async () => {
      // The bench makes (and removes) its own temporary data directory; NETRA_DATA_DIR is not used.
      // Its own TMPDIR: another test run on the machine may have a bench directory in /tmp meanwhile.
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netra-bench-tmp-'));
      const r = await script('bench.ts', [], '/nonexistent-netra-data-dir', {
        BENCH_REQUESTS: '20',
        BENCH_ROUNDS: '1',
        BENCH_CONVERSATIONS: '50',
        BENCH_REPORTS: '5',
        TMPDIR: tmp,
      });
      const left = fs.readdirSync(tmp).filter((f) => f.startsWith('netra-bench-'));
      fs.rmSync(tmp, { recursive: true, force: true });
      expect(r.code, r.stderr).toBe(0);
      expect(left).toEqual([]);
      const lines = r.stdout.trim().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(lines.some((l) => /targets:/.test(l))).toBe(true);
      const result = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
      for (const key of ['p50_ms', 'p95_ms', 'qps_c1', 'qps_c8', 'qps_c64', 'rss_mb', 'index_load_ms', 'reindex_full_ms', 'reindex_noop_ms']) {
        expect(typeof result[key], key).toBe('number');
        expect(result[key] as number, key).toBeGreaterThan(0);
      }
      expect(result.p95_ms as number).toBeGreaterThanOrEqual(result.p50_ms as number);
      expect(result.http_errors).toBe(0);
      expect(result.report_submit_p95_ms_sqlite as number).toBeGreaterThan(0);
      // No database URL in this environment: the PostgreSQL rows say so and are left out.
      expect(result.postgres).toBe('skipped');
      expect(lines.some((l) => /PostgreSQL rows skipped: set BENCH_DATABASE_URL/.test(l))).toBe(true);
    },
    // A bound for a loaded machine, not a speed target: the bench itself measures.
    180_000,
  );
});
