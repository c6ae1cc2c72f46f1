import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { VerdictSchema } from '../src/answer/answer-contract.js';
import { AnswerPipeline } from '../src/answer/pipeline.js';
import { loadConfig } from '../src/config/config.js';
import type { RetrievalMode } from '../src/retrieval/hybrid-retriever.js';
import { ensureIndex } from '../src/retrieval/ensure-index.js';

/**
 * `npm run eval [-- --file F] [--retrieval hybrid|lexical|vector] [--check] [--json]`
 * Scores the bot on a question set: verdict accuracy, expected-citation accuracy, quotes not
 * found in knowledge/ (invented), per category, and the misses. `--check` fails (exit 1) on any
 * invented quote or when verdict accuracy falls below the floor in eval-floor.json (a ratchet).
 */
const EvalItem = z.object({
  id: z.string(),
  cat: z.string(),
  q: z.string(),
  verdict: z.array(VerdictSchema).min(1),
  cites: z.array(z.object({ source: z.string(), ref: z.string().optional() })),
  escalate: z.boolean().optional(),
});

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const file = path.resolve(arg('--file') ?? path.join('..', 'shared', 'eval', 'dev.jsonl'));
  const mode = (arg('--retrieval') ?? 'hybrid') as RetrievalMode;
  const items = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const parsed = EvalItem.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
  const config = loadConfig();
  const index = await ensureIndex(config);
  const pipeline = new AnswerPipeline({ index: () => index, retrieval: mode, today: config.today });
  // Invented quotes are checked against the raw knowledge files, independently of the bot's own verifier.
  const knowledgeText = new Map<string, string>();
  for (const d of index.knowledge.documents) knowledgeText.set(d.id, fs.readFileSync(path.join(config.knowledgeDir, d.file), 'utf8'));

  const perCat = new Map<string, { n: number; verdict: number; cites: number; citeN: number }>();
  let verdictOk = 0;
  let citeOk = 0;
  let citeN = 0;
  let escalateOk = 0;
  let escalateN = 0;
  let invented = 0;
  const misses: string[] = [];
  for (const item of items) {
    const { answer } = await pipeline.ask(item.q);
    const vOk = item.verdict.includes(answer.verdict);
    const cOk =
      item.cites.length === 0 ||
      answer.citations.some((c) => item.cites.some((e) => e.source === c.sourceId && (!e.ref || c.ref.includes(e.ref))));
    for (const c of answer.citations) {
      const text = knowledgeText.get(c.sourceId);
      if (!text || !text.includes(c.quote)) {
        invented += 1;
        misses.push(`${item.id} INVENTED QUOTE ${c.sourceId} ${c.ref}: ${c.quote.slice(0, 80)}`);
      }
    }
    if (item.escalate !== undefined) {
      escalateN += 1;
      if (answer.escalate === item.escalate) escalateOk += 1;
      else misses.push(`${item.id} escalate=${answer.escalate}, expected ${item.escalate}`);
    }
    const cat = perCat.get(item.cat) ?? { n: 0, verdict: 0, cites: 0, citeN: 0 };
    cat.n += 1;
    if (vOk) cat.verdict += 1;
    if (item.cites.length > 0) {
      cat.citeN += 1;
      citeN += 1;
      if (cOk) {
        cat.cites += 1;
        citeOk += 1;
      }
    }
    perCat.set(item.cat, cat);
    if (vOk) verdictOk += 1;
    if (!vOk || !cOk) {
      misses.push(
        `${item.id} [${item.cat}] ${vOk ? '' : `verdict ${answer.verdict} ∉ ${item.verdict.join('|')}`}${!vOk && !cOk ? '; ' : ''}${cOk ? '' : `citations [${answer.citations.map((c) => `${c.sourceId} ${c.ref}`).join(', ')}] miss ${item.cites.map((c) => `${c.source} ${c.ref ?? ''}`.trim()).join(' | ')}`} — ${item.q}`,
      );
    }
  }
  const verdictAccuracy = verdictOk / items.length;
  const citationAccuracy = citeN ? citeOk / citeN : 1;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`Eval ${path.basename(file)} — ${items.length} pertanyaan, retrieval=${mode}`);
  console.log(`  verdict accuracy   ${pct(verdictAccuracy)} (${verdictOk}/${items.length})`);
  console.log(`  citation accuracy  ${pct(citationAccuracy)} (${citeOk}/${citeN})`);
  console.log(`  escalate accuracy  ${escalateN ? pct(escalateOk / escalateN) : 'n/a'} (${escalateOk}/${escalateN})`);
  console.log(`  invented quotes    ${invented}`);
  console.log('  per category:');
  for (const [cat, s] of [...perCat].sort()) {
    console.log(`    ${cat.padEnd(12)} verdict ${s.verdict}/${s.n}  citations ${s.citeN ? `${s.cites}/${s.citeN}` : '-'}`);
  }
  if (misses.length > 0) console.log(`  misses:\n    ${misses.join('\n    ')}`);
  const result = { file: path.basename(file), retrieval: mode, n: items.length, verdictAccuracy, citationAccuracy, invented };
  if (process.argv.includes('--json')) console.log(JSON.stringify(result));
  if (process.argv.includes('--check')) {
    const floor = JSON.parse(fs.readFileSync('eval-floor.json', 'utf8')) as { verdictAccuracy: number };
    if (invented > 0) {
      console.error(`GAGAL: ${invented} kutipan tidak ditemukan di knowledge/.`);
      return 1;
    }
    if (verdictAccuracy + 1e-9 < floor.verdictAccuracy) {
      console.error(`GAGAL: verdict accuracy ${pct(verdictAccuracy)} di bawah batas ${pct(floor.verdictAccuracy)} (eval-floor.json).`);
      return 1;
    }
    console.log(`  check: lulus (batas verdict ${pct(floor.verdictAccuracy)}, 0 kutipan karangan)`);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
