import fs from 'node:fs';
import { loadConfig } from '../src/config/config.js';
import { loadKnowledge } from '../src/knowledge/load-knowledge.js';
import { analyzeDocument, analyzeQuery } from '../src/retrieval/indonesian-analyzer.js';
import { openDatabase } from '../src/storage/database.js';
import { openPostgres } from '../src/storage/postgres.js';
import { PostgresQuestionLog } from '../src/storage/postgres-question-log.js';
import { type GapCandidate, QuestionLog } from '../src/storage/question-log.js';
import { runIfInvokedDirectly, UsageError } from './cli-runner.js';

/**
 * `npm run gaps [-- --json] [--since YYYY-MM-DD] [--threshold 0.3] [--limit 1000]`
 *
 * Lists the questions Netra answered `tidak_pasti` or that someone disliked, grouped by
 * similarity, so an admin sees what the knowledge base is missing ("12 people asked about
 * TikTok admins") instead of scrolling through single questions.
 *
 * Similarity: each question becomes a sparse TF-IDF vector of the project's Indonesian analysis
 * (stems after slang expansion, plus character 4-grams for typos). Words that occur in many
 * case-card phrasings ("pns", "calon") weigh little, rare ones ("tiktok", "arisan") a lot, and
 * words only added by slang expansion count at reduced weight. Groups are formed greedily:
 * a question joins the most similar group when the cosine to its centroid is ≥ the threshold.
 */

export type SparseVector = Map<string, number>;

export interface GapGroup {
  size: number;
  /** The member closest to the group's centroid. */
  representative: GapCandidate;
  /** The other members, most similar to the representative first. */
  others: GapCandidate[];
  reasons: { tidak_pasti: number; tidak_disukai: number };
  channels: Record<string, number>;
  latestAt: string;
}

/** Builds a vectoriser whose word weights come from `background` (e.g. the case cards' phrasings). */
export function createVectorizer(background: readonly string[]): (text: string) => SparseVector {
  const df = new Map<string, number>();
  for (const text of background) for (const t of new Set(analyzeQuery(text))) df.set(t, (df.get(t) ?? 0) + 1);
  const n = background.length;
  const idf = (t: string) => Math.log(1 + (n + 1) / (1 + (df.get(t) ?? 0)));
  return (text: string) => {
    const own = new Set(analyzeDocument(text));
    const v: SparseVector = new Map();
    const add = (k: string, w: number) => v.set(k, (v.get(k) ?? 0) + w);
    for (const t of new Set(analyzeQuery(text))) {
      // Slang expansion helps matching ("caleg" ~ "calon legislatif") but must not dominate:
      // "caleg" expands to five words, which would make every caleg question look alike.
      const w = idf(t) * (own.has(t) ? 1 : 0.35);
      add(`w:${t}`, w);
      if (t.length >= 5) {
        const padded = ` ${t} `;
        for (let i = 0; i + 4 <= padded.length; i++) add(`c:${padded.slice(i, i + 4)}`, 0.25 * w);
      }
    }
    return normalise(v);
  };
}

function normalise(v: SparseVector): SparseVector {
  let norm = 0;
  for (const x of v.values()) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm === 0) return v;
  for (const [k, x] of v) v.set(k, x / norm);
  return v;
}

export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [k, x] of small) s += x * (large.get(k) ?? 0);
  return s;
}

/**
 * Greedy clustering: questions in order (newest first, as listed), each joining the group whose
 * centroid is most similar when that similarity is ≥ `threshold`, else starting a new group.
 * Returns groups largest first (ties: most recent first).
 */
export function groupBySimilarity(
  candidates: readonly GapCandidate[],
  vectorize: (text: string) => SparseVector,
  threshold: number,
): GapGroup[] {
  interface Working {
    members: { c: GapCandidate; v: SparseVector }[];
    sum: SparseVector;
    centroid: SparseVector;
  }
  const groups: Working[] = [];
  for (const c of candidates) {
    const v = vectorize(c.question);
    let best: Working | undefined;
    let bestScore = -1;
    for (const g of groups) {
      const score = cosine(v, g.centroid);
      if (score > bestScore) {
        bestScore = score;
        best = g;
      }
    }
    if (best && v.size > 0 && bestScore >= threshold) {
      best.members.push({ c, v });
      for (const [k, x] of v) best.sum.set(k, (best.sum.get(k) ?? 0) + x);
      best.centroid = normalise(new Map(best.sum));
    } else {
      groups.push({ members: [{ c, v }], sum: new Map(v), centroid: normalise(new Map(v)) });
    }
  }
  return groups
    .map((g): GapGroup => {
      const scored = g.members.map((m) => ({ ...m, score: cosine(m.v, g.centroid) }));
      // Closest to the centroid; on a tie the most recent (members are newest first).
      const rep = scored.reduce((a, b) => (b.score > a.score + 1e-9 ? b : a));
      const others = scored
        .filter((m) => m !== rep)
        .map((m) => ({ c: m.c, s: cosine(m.v, rep.v) }))
        .sort((a, b) => b.s - a.s)
        .map((m) => m.c);
      const channels: Record<string, number> = {};
      for (const m of g.members) channels[m.c.channel] = (channels[m.c.channel] ?? 0) + 1;
      return {
        size: g.members.length,
        representative: rep.c,
        others,
        reasons: {
          tidak_pasti: g.members.filter((m) => m.c.reasons.includes('tidak_pasti')).length,
          tidak_disukai: g.members.filter((m) => m.c.reasons.includes('tidak_disukai')).length,
        },
        channels,
        // ISO timestamps sort as text: the last one is the latest.
        latestAt: g.members.map((m) => m.c.createdAt).sort().at(-1)!,
      };
    })
    .sort((a, b) => b.size - a.size || b.latestAt.localeCompare(a.latestAt));
}

interface Args {
  json: boolean;
  since?: string;
  threshold: number;
  limit: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, threshold: 0.3, limit: 1000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} membutuhkan nilai`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--since') args.since = value();
    else if (a === '--threshold') args.threshold = Number(value());
    else if (a === '--limit') args.limit = Number(value());
    else if (a === '--help' || a === '-h') throw new UsageError('');
    else throw new UsageError(`argumen tidak dikenal: ${a}`);
  }
  if (!(args.threshold > 0 && args.threshold <= 1)) throw new UsageError('--threshold harus di antara 0 dan 1, mis. 0.3');
  if (!(Number.isInteger(args.limit) && args.limit >= 1 && args.limit <= 1000)) throw new UsageError('--limit harus bilangan bulat 1–1000');
  return args;
}


const USAGE = 'Pemakaian: npm run gaps [-- --json] [--since YYYY-MM-DD] [--threshold 0.3] [--limit 1000]';

function oneLine(text: string, max = 160): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The calendar day in WIB (UTC+7), like `npm run stats`. */
function wibDay(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso.slice(0, 10) : new Date(t + 7 * 3600_000).toISOString().slice(0, 10);
}

function describeCandidate(c: GapCandidate): string {
  const why = c.reasons.map((r) => (r === 'tidak_pasti' ? 'belum pasti' : `👎 ${c.down}`)).join(', ');
  return `"${oneLine(c.question)}" (${c.channel}, ${wibDay(c.createdAt)}, ${why})`;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  let candidates: GapCandidate[];
  if (config.databaseUrl) {
    // The shared PostgreSQL database (DATABASE_URL).
    const pg = await openPostgres({ connectionString: config.databaseUrl, max: 2 });
    try {
      candidates = await new PostgresQuestionLog(pg).listGapCandidates({ since: args.since, limit: args.limit });
    } finally {
      await pg.close();
    }
  } else if (!fs.existsSync(config.databasePath)) {
    const msg = `Belum ada basis data di ${config.databasePath}: belum ada pertanyaan yang tercatat.`;
    if (args.json) process.stdout.write(`${JSON.stringify({ database: config.databasePath, candidates: 0, groups: [] })}\n`);
    else console.log(msg);
    return 0;
  } else {
    const db = openDatabase(config.databasePath);
    try {
      candidates = new QuestionLog(db).listGapCandidates({ since: args.since, limit: args.limit });
    } finally {
      db.close();
    }
  }

  // Word weights from the case cards' phrasings: how people ask about what Netra already covers.
  let background: string[] = [];
  try {
    const kb = await loadKnowledge(config.knowledgeDir);
    background = kb.cards.flatMap((c) => [c.title, ...c.phrasings]);
  } catch (err) {
    console.error(`Peringatan: knowledge/ tidak bisa dibaca (${(err as Error).message.split('\n')[0]}); bobot kata dari pertanyaan saja.`);
  }
  const groups = groupBySimilarity(candidates, createVectorizer([...background, ...candidates.map((c) => c.question)]), args.threshold);

  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ database: config.databasePath, since: args.since ?? null, threshold: args.threshold, candidates: candidates.length, groups })}\n`,
    );
    return 0;
  }
  if (candidates.length === 0) {
    console.log(`Tidak ada pertanyaan "belum pasti" atau yang tidak disukai${args.since ? ` sejak ${args.since}` : ''}.`);
    return 0;
  }
  const lines = [
    `Celah pengetahuan Netra${args.since ? ` sejak ${args.since}` : ''}: ${candidates.length} pertanyaan dalam ${groups.length} kelompok (kemiripan ≥ ${args.threshold}).`,
    '',
  ];
  groups.forEach((g, i) => {
    const why = [
      g.reasons.tidak_pasti ? `${g.reasons.tidak_pasti} belum pasti` : '',
      g.reasons.tidak_disukai ? `${g.reasons.tidak_disukai} tidak disukai` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const channels = Object.entries(g.channels)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ');
    lines.push(`${i + 1}. [${g.size}×] ${oneLine(g.representative.question)}`);
    lines.push(`   ${why}; kanal: ${channels}; terakhir ${wibDay(g.latestAt)}`);
    for (const o of g.others) lines.push(`   - ${describeCandidate(o)}`);
    lines.push('');
  });
  lines.push('Tambahkan kartu kasus (knowledge/cases/) atau peraturan untuk kelompok terbesar, lalu jalankan npm run reindex.');
  console.log(lines.join('\n'));
  return 0;
}

runIfInvokedDirectly(import.meta.url, main, 'gaps', USAGE);
