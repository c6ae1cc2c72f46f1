import type { KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import { findNode } from '../knowledge/passages.js';

/** Something in the free text of a model's answer that the corpus does not back. */
export interface TextProblem {
  kind: 'quote' | 'article' | 'law';
  /** What was found in the text (short; for tests and counts, never logged). */
  found: string;
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * Checks the free-text answer of the model, not only its citations: every quoted span ("…" or
 * “…”) must be a verbatim substring of one document of the corpus (whitespace aside; an ellipsis
 * inside a quote may skip words, each part in order in the same document), and every "Pasal N"
 * (with ayat/huruf/angka when given) must exist in the regulation the text names for it — or, when
 * it names none, in one of the cited documents. A law named by number that is not in the corpus
 * is a problem too. An empty result means the text can be shown.
 */
export function checkAnswerText(text: string, kb: KnowledgeBase, citedDocIds: readonly string[]): TextProblem[] {
  return [...checkQuotes(text, kb), ...checkArticles(text, kb, citedDocIds)];
}

function checkQuotes(text: string, kb: KnowledgeBase): TextProblem[] {
  const problems: TextProblem[] = [];
  const docs = kb.documents.map((d) => collapse(d.text));
  for (const m of text.matchAll(/“([^”]*)”|"([^"]*)"/g)) {
    const span = collapse(m[1] ?? m[2] ?? '');
    const parts = span
      .split(/…|\.{3}/)
      .map((p) => p.trim().replace(/^[\s,;:]+|[\s,;:]+$/g, ''))
      .filter((p) => p.length > 0);
    if (parts.length === 0) continue;
    const inOneDoc = docs.some((doc) => {
      let from = 0;
      for (const p of parts) {
        // A quote may end its sentence with a full stop the law has not (or the reverse).
        const at = findFrom(doc, p, from) ?? findFrom(doc, p.replace(/[.]$/, ''), from);
        if (at === undefined) return false;
        from = at + p.length;
      }
      return true;
    });
    if (!inOneDoc) problems.push({ kind: 'quote', found: span.slice(0, 80) });
  }
  return problems;
}

function findFrom(haystack: string, needle: string, from: number): number | undefined {
  if (!needle) return undefined;
  const i = haystack.indexOf(needle, from);
  return i < 0 ? undefined : i;
}

/** A law named in the text and the corpus documents it can mean (several for "UU Pilkada"). */
interface NamedLaw {
  start: number;
  end: number;
  docs: KnowledgeDocument[];
  label: string;
}

const TYPE_WORDS: Record<string, string> = {
  uu: 'uu',
  'undang-undang': 'uu',
  pp: 'pp',
  'peraturan pemerintah': 'pp',
  perpres: 'perpres',
  'peraturan presiden': 'perpres',
  perbawaslu: 'perbawaslu',
  pkpu: 'pkpu',
  se: 'se',
  permenpanrb: 'permenpanrb',
};

/** Laws named in the text: by type, number and year ("PP 94/2021", "UU Nomor 7 Tahun 2017"), by short name or alias. */
function namedLaws(text: string, kb: KnowledgeBase): NamedLaw[] {
  const regs = kb.documents.filter((d) => d.kind === 'regulation');
  const out: NamedLaw[] = [];
  const byNumber =
    /\b(UU|Undang-Undang|PP|Peraturan Pemerintah|Perpres|Peraturan Presiden|Perbawaslu|PKPU|SE|PermenPANRB)\s*(?:No\.?|Nomor)?\s*(\d+)\s*(?:\/|Tahun)\s*(\d{4})\b/gi;
  for (const m of text.matchAll(byNumber)) {
    const type = TYPE_WORDS[m[1]!.toLowerCase()] ?? m[1]!.toLowerCase();
    const docs = regs.filter((d) => d.type.toLowerCase() === type && d.number === m[2] && d.year === Number(m[3]));
    out.push({ start: m.index, end: m.index + m[0].length, docs, label: m[0] });
  }
  const lower = text.toLowerCase();
  for (const d of regs) {
    for (const name of [d.shortName, ...(d.aliases ?? [])]) {
      const n = name.toLowerCase();
      if (n.length < 4) continue;
      for (let i = lower.indexOf(n); i >= 0; i = lower.indexOf(n, i + 1)) {
        const known = out.find((x) => x.start === i && x.end === i + n.length);
        if (known) {
          if (!known.docs.includes(d)) known.docs.push(d);
        } else if (!out.some((x) => i >= x.start && i < x.end)) {
          out.push({ start: i, end: i + n.length, docs: [d], label: name });
        }
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

function checkArticles(text: string, kb: KnowledgeBase, citedDocIds: readonly string[]): TextProblem[] {
  const problems: TextProblem[] = [];
  const laws = namedLaws(text, kb);
  for (const law of laws) if (law.docs.length === 0) problems.push({ kind: 'law', found: law.label });
  const cited = kb.documents.filter((d) => citedDocIds.includes(d.id));
  const article =
    /\b(?:Pasal|Article)\s+(\d+[A-Z]?)\b(?:\s+ayat\s*\(?(\d+)\)?)?(?:\s+huruf\s+([a-z])\b)?(?:\s+angka\s+(\d+)\b)?/g;
  for (const m of text.matchAll(article)) {
    const ref = [`Pasal ${m[1]}`, m[2] ? `ayat (${m[2]})` : '', m[3] ? `huruf ${m[3]}` : '', m[4] ? `angka ${m[4]}` : '']
      .filter(Boolean)
      .join(' ');
    const end = m.index + m[0].length;
    // The law a "Pasal" belongs to: named right after it ("Pasal 5 PP 94/2021"), else the last one
    // named shortly before it ("PP 94/2021 … Pasal 5"), else whatever the answer cites.
    const after = laws.find((l) => l.start >= end && /^[\s,]*(?:(?:dari|pada|dalam|di|of|in)\s+)?$/i.test(text.slice(end, l.start)));
    const before = [...laws].reverse().find((l) => l.end <= m.index && m.index - l.end <= 160);
    const law = after ?? before;
    const pool = law ? law.docs : cited;
    if (law && law.docs.length === 0) continue; // already reported as an unknown law
    if (!pool.some((d) => findNode(d, ref))) problems.push({ kind: 'article', found: `${ref}${law ? ` ${law.label}` : ''}` });
  }
  return problems;
}
