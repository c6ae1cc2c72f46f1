import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseFrontMatter } from '../src/knowledge/front-matter.js';

/**
 * A knowledge base N times the size of the real one, for `npm run bench -- --scale 1,10,100`:
 * the real `knowledge/` unchanged (cards, news, calendar and regulations), plus N − 1 perturbed
 * copies of every regulation. A copy keeps the legal structure (the same Pasal/ayat/huruf/angka,
 * so it chunks like the original) but gets its own id, number and title, and about a quarter of
 * its words replaced — by other words of the corpus (real laws share their vocabulary) and a few
 * invented ones (a growing library also grows its vocabulary). The output is deterministic: the
 * same scale gives the same files, so figures from two runs compare.
 */

export interface SyntheticKnowledgeOptions {
  /** The real knowledge directory (read only). */
  sourceDir: string;
  /** Where to write; created, must not exist or be empty. */
  targetDir: string;
  /** 1 = the real knowledge base; 10 = nine copies of every regulation beside it. */
  scale: number;
  seed?: number;
}

export interface SyntheticKnowledge {
  regulations: number;
  copies: number;
}

/** Share of a copy's words replaced by another word of the corpus. */
const REPLACE_SHARE = 0.22;
/** Share replaced by an invented word (vocabulary growth). */
const INVENT_SHARE = 0.04;

/** mulberry32: a small seeded PRNG, so a scale always produces the same corpus. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ['ka', 'ra', 'ta', 'pa', 'na', 'ma', 'sa', 'la', 'ba', 'ga', 'di', 'ri', 'ti', 'ni', 'si', 'ku', 'ru', 'tu', 'nu', 'su', 'ke', 're', 'te', 'ne', 'me', 'lo', 'to', 'no'];

function inventWord(rand: () => number): string {
  const n = 2 + Math.floor(rand() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rand() * SYLLABLES.length)];
  return w;
}

/** Line prefixes that carry the legal structure and must survive perturbation. */
const STRUCTURE = /^(\s*(?:#+\s.*|\[?\(\d+\)\]?\s|[a-z]\.\s|\d+\.\s|Angka \d+\s*$))/;
const WORD = /\p{L}{3,}/gu;

function perturb(text: string, vocabulary: readonly string[], rand: () => number): string {
  return text
    .split('\n')
    .map((line) => {
      const keep = STRUCTURE.exec(line)?.[1] ?? '';
      // Headings are the structure itself ("## Pasal 5"): copy them as they are.
      if (keep.trimStart().startsWith('#')) return line;
      const rest = line.slice(keep.length).replace(WORD, (w) => {
        const r = rand();
        if (r < INVENT_SHARE) return inventWord(rand);
        if (r < INVENT_SHARE + REPLACE_SHARE) return vocabulary[Math.floor(rand() * vocabulary.length)]!;
        return w;
      });
      return keep + rest;
    })
    .join('\n');
}

/** Writes the synthetic knowledge base; returns how many regulation files it holds. */
export function generateSyntheticKnowledge(options: SyntheticKnowledgeOptions): SyntheticKnowledge {
  const { sourceDir, targetDir, scale } = options;
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`scale must be a whole number ≥ 1, not ${scale}`);
  fs.mkdirSync(targetDir, { recursive: true });
  fs.cpSync(sourceDir, targetDir, { recursive: true });
  const regDir = path.join(sourceDir, 'regulations');
  const files = fs.readdirSync(regDir).filter((f) => f.endsWith('.md')).sort();
  const sources = files.map((f) => {
    const raw = fs.readFileSync(path.join(regDir, f), 'utf8');
    const fm = parseFrontMatter(raw);
    return { file: f, data: fm.data as Record<string, unknown>, body: fm.body };
  });
  const vocabulary = [...new Set(sources.flatMap((s) => s.body.match(WORD) ?? []))].sort();
  const rand = prng(options.seed ?? 20261201);
  let copies = 0;
  for (let k = 1; k < scale; k++) {
    for (const s of sources) {
      const id = `${String(s.data.id)}-sintetis-${k}`;
      const number = `${9000 + k}`;
      const year = 1950 + ((k * 7 + copies) % 75);
      const type = String(s.data.type ?? 'PP');
      const title = `${perturb(String(s.data.title), vocabulary, rand)} (salinan sintetis ${k})`;
      // The original's other fields (grade, sections, corpus notes) stay: a copy is as well sourced as its original.
      const { replaced_by: _replacedBy, status_note: _statusNote, ...rest } = s.data;
      const data: Record<string, unknown> = {
        ...rest,
        id,
        title,
        short_name: `${type} ${number}/${year}`,
        number,
        year,
        type,
        // A copy is its own law: in force (or secondary like its original), never repealed, so no dangling replaced_by.
        status: s.data.status === 'sekunder' ? 'sekunder' : 'berlaku',
        source_url: `https://example.invalid/sintetis/${id}`,
      };
      const raw = `---\n${YAML.stringify(data).trimEnd()}\n---\n${perturb(s.body, vocabulary, rand)}`;
      fs.writeFileSync(path.join(targetDir, 'regulations', s.file.replace(/\.md$/, `-sintetis-${k}.md`)), raw);
      copies += 1;
    }
  }
  return { regulations: sources.length * scale, copies };
}
