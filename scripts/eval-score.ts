import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { VerdictSchema } from '../src/answer/answer-contract.js';

/**
 * Scoring of a question set, with the definitions of `eval/score.mjs` (vendored from the shared
 * evaluation kit) transcribed one to one, so `npm run eval` and the kit's scorer always agree:
 *
 * - strict: the answer's verdict equals the line's `best` (its first accepted verdict when absent);
 * - lenient: the verdict is one of the accepted ones (per category too);
 * - citations: of the lines that expect one, those where some shown citation has an expected
 *   `source` and, when a `ref` is given, a ref containing it as whole words;
 * - invented quotes: shown quotes whose normalised text is not in the normalised knowledge files;
 * - loosening: `boleh`/`boleh_bersyarat` where `best` is `dilarang`;
 * - over-abstention: `tidak_pasti` where `best` is not;
 * - over-escalation: escalate true where the line says false; missed escalation: the reverse.
 */
export const EvalItemSchema = z.object({
  id: z.string(),
  cat: z.string().optional(),
  q: z.string(),
  verdict: z.array(VerdictSchema).min(1),
  best: VerdictSchema.optional(),
  cites: z.array(z.object({ source: z.string(), ref: z.string().optional() })).default([]),
  escalate: z.boolean().optional(),
});
export type EvalItem = z.infer<typeof EvalItemSchema>;

/** The part of an answer the scorer reads (the answer contract has more). */
export interface ScoredAnswer {
  verdict: string;
  escalate?: boolean;
  citations: { sourceId: string; ref: string; quote: string }[];
}

export interface CategoryScore {
  n: number;
  lenient: number;
  strict: number;
  citeN: number;
  cite: number;
}

export interface SetScore {
  n: number;
  strict: number;
  strictOk: number;
  lenient: number;
  lenientOk: number;
  cite: number;
  citeOk: number;
  citeN: number;
  invented: number;
  citationsShown: number;
  loosening: number;
  overAbstention: number;
  overEscalation: number;
  missedEscalation: number;
  escalateOk: number;
  escalateN: number;
  perCategory: Record<string, CategoryScore>;
  misses: string[];
}

/** score.mjs's `norm`: lower case, NFKC, every run of non-letters/digits one space. */
export function norm(s: unknown): string {
  return String(s ?? '')
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** score.mjs's corpus: every .md/.txt/.yaml/.yml/.json file under knowledge/, normalised, one per line. */
export function knowledgeCorpus(knowledgeDir: string): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, e);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (/\.(md|txt|ya?ml|json)$/i.test(e)) texts.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(knowledgeDir);
  return texts.map(norm).join('\n');
}

/** Reads a JSONL question set, naming the file and line of the first malformed entry. */
export function readEvalSet(file: string): EvalItem[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line, no: i + 1 }))
    .filter(({ line }) => line.trim())
    .map(({ line, no }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${no}: bukan JSON yang valid`);
      }
      const parsed = EvalItemSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${no}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

/** The question as score.mjs sends it to `ask --stdin`: one line. */
export function questionLine(item: EvalItem): string {
  return item.q.replace(/\n/g, ' ');
}

/** Scores `answers[i]` against `items[i]`. */
export function scoreSet(items: readonly EvalItem[], answers: readonly ScoredAnswer[], corpus: string): SetScore {
  if (answers.length !== items.length) throw new Error(`${answers.length} jawaban untuk ${items.length} pertanyaan`);
  const s = {
    strictOk: 0,
    lenientOk: 0,
    citeOk: 0,
    citeN: 0,
    invented: 0,
    citationsShown: 0,
    loosening: 0,
    overAbstention: 0,
    overEscalation: 0,
    missedEscalation: 0,
    escalateOk: 0,
    escalateN: 0,
  };
  const perCategory: Record<string, CategoryScore> = {};
  const misses: string[] = [];
  items.forEach((c, i) => {
    const a = answers[i]!;
    const catKey = c.cat ?? 'all';
    const cat = perCategory[catKey] ?? { n: 0, lenient: 0, strict: 0, citeN: 0, cite: 0 };
    perCategory[catKey] = cat;
    cat.n += 1;
    const best = c.best ?? c.verdict[0]!;
    const vGood = (c.verdict as readonly string[]).includes(a.verdict);
    if (a.verdict === best) {
      s.strictOk += 1;
      cat.strict += 1;
    }
    if ((a.verdict === 'boleh' || a.verdict === 'boleh_bersyarat') && best === 'dilarang') s.loosening += 1;
    if (a.verdict === 'tidak_pasti' && best !== 'tidak_pasti') s.overAbstention += 1;
    if (c.escalate === false && a.escalate === true) s.overEscalation += 1;
    if (c.escalate === true && a.escalate !== true) s.missedEscalation += 1;
    if (vGood) {
      s.lenientOk += 1;
      cat.lenient += 1;
    }
    for (const ct of a.citations) {
      s.citationsShown += 1;
      const q = norm(ct.quote);
      if (!q || !corpus.includes(q)) {
        s.invented += 1;
        misses.push(`${c.id} KUTIPAN KARANGAN ${ct.sourceId} ${ct.ref}: ${ct.quote.slice(0, 80)}`);
      }
    }
    let cGood = true;
    if (c.cites.length > 0) {
      s.citeN += 1;
      cat.citeN += 1;
      cGood = c.cites.some((e) =>
        a.citations.some((ct) => ct.sourceId === e.source && (!e.ref || ` ${norm(ct.ref)} `.includes(` ${norm(e.ref)} `))),
      );
      if (cGood) {
        s.citeOk += 1;
        cat.cite += 1;
      }
    }
    if (c.escalate !== undefined) {
      s.escalateN += 1;
      if (Boolean(a.escalate) === c.escalate) s.escalateOk += 1;
    }
    if (!vGood || a.verdict !== best || !cGood) {
      const cites = a.citations.map((x) => `${x.sourceId} ${x.ref}`).join(', ');
      misses.push(
        `${c.id} [${c.cat ?? '-'}] ${a.verdict} (terbaik ${best}, diterima ${c.verdict.join('|')})${cGood ? '' : ` kutipan [${cites}] ≠ ${c.cites.map((e) => `${e.source} ${e.ref ?? ''}`.trim()).join(' | ')}`} — ${questionLine(c).slice(0, 120)}`,
      );
    }
  });
  const n = items.length;
  return {
    n,
    ...s,
    strict: n ? s.strictOk / n : 0,
    lenient: n ? s.lenientOk / n : 0,
    cite: s.citeN ? s.citeOk / s.citeN : 1,
    perCategory,
    misses,
  };
}

/** eval-floor.json: per set the lowest accepted strict, lenient and citation accuracy. Floors only go up. */
export const EvalFloorSchema = z.object({
  note: z.string().optional(),
  maxInventedQuotes: z.number().int().min(0),
  maxLoosening: z.number().int().min(0),
  sets: z.record(
    z.string(),
    z.object({ strict: z.number().min(0).max(1), lenient: z.number().min(0).max(1), cite: z.number().min(0).max(1) }),
  ),
});
export type EvalFloor = z.infer<typeof EvalFloorSchema>;

export function readEvalFloor(file: string): EvalFloor {
  const parsed = EvalFloorSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** Why a set fails its floor; empty when it passes. */
export function checkFloor(score: SetScore, floor: EvalFloor, setKey: string): string[] {
  const problems: string[] = [];
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  if (score.invented > floor.maxInventedQuotes) problems.push(`${score.invented} kutipan tidak ditemukan di knowledge/`);
  if (score.loosening > floor.maxLoosening) problems.push(`${score.loosening} jawaban melonggarkan larangan (boleh untuk yang dilarang)`);
  const f = floor.sets[setKey];
  if (f) {
    // A float tolerance: 0.58 written in the file must accept 58/100.
    const below = (x: number, min: number) => x + 1e-9 < min;
    if (below(score.strict, f.strict)) problems.push(`akurasi ketat ${pct(score.strict)} di bawah batas ${pct(f.strict)}`);
    if (below(score.lenient, f.lenient)) problems.push(`akurasi longgar ${pct(score.lenient)} di bawah batas ${pct(f.lenient)}`);
    if (below(score.cite, f.cite)) problems.push(`akurasi kutipan ${pct(score.cite)} di bawah batas ${pct(f.cite)}`);
  }
  return problems;
}
