import type { CaseCard, KnowledgeDocument } from './knowledge-base.js';
import type { LegalNode } from './legal-structure.js';
import { findNode, nodeText } from './passages.js';
import { passageProvenance } from './provenance.js';
import type { BasisRef } from './schemas.js';

/**
 * Words that tell the reader a text is quoted in news, not read from the law itself. One of them in
 * the same paragraph is enough ("Menurut pemberitaan, Pasal 494 berbunyi …").
 */
export const NEWS_QUOTE_MARKERS =
  /\bmenurut (?:pemberitaan|berita|media)\b|\bdikutip (?:oleh |dari )?(?:media|pemberitaan|berita|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|id|net|org|co))\b|\bsebagaimana (?:diberitakan|dikutip)\b|\bdiberitakan\b|\bpemberitaan\b|\bbukan (?:dari )?teks resmi\b|\bas reported\b|\breported (?:by|in)\b|\bquoted (?:in|by) (?:the )?(?:news|media|press)\b|\bnews reports?\b|\baccording to (?:the )?(?:news|media|press)\b|\bnot (?:from )?the official text\b/i;

/** Quoted spans in a card's prose: "…", “…” and ‘…’/'…' (an apostrophe inside a word is not a quote). */
const QUOTED = /"([^"\n]{3,})"|“([^”\n]{3,})”|(?<![\p{L}\p{N}])['‘]([^'’\n]{3,})['’](?![\p{L}\p{N}])/gu;

/** Says a passage is being worded ("Pasal 494 berbunyi: …"), even without quotation marks. */
const WORDING_VERB = /\bberbunyi\b|\bbunyi(?:nya)?\s+(?:pasal|ayat|amar)\b|\breads:/i;

/** A quote shorter than this many words is a term ("peserta kampanye"), not the law's text. */
const MIN_QUOTED_WORDS = 4;

interface CitedPassage {
  doc: KnowledgeDocument;
  node: LegalNode;
  grade: string;
  text: string;
}

const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/**
 * Cards whose prose presents text graded C (quoted in news) as the law's own words without saying
 * so: a quotation of at least four words that is found in a C-graded passage the card cites (and in
 * no A/B passage it cites), or "berbunyi" next to the C passage's ref, in a paragraph that has none
 * of {@link NEWS_QUOTE_MARKERS}. Stating what a C passage provides, without quoting it, passes; the
 * citation itself tells the reader it is quoted in news.
 */
export function checkCardProvenance(cards: CaseCard[], documents: KnowledgeDocument[]): string[] {
  const problems: string[] = [];
  for (const card of cards) {
    const cited = citedPassages(card, documents);
    const graded = cited.filter((c) => c.grade === 'C');
    if (graded.length === 0) continue;
    const official = cited.filter((c) => c.grade !== 'C').map((c) => squash(c.text));
    for (const [field, text] of proseFields(card)) {
      for (const paragraph of text.split(/\n\s*\n/)) {
        if (NEWS_QUOTE_MARKERS.test(paragraph)) continue;
        const flagged = new Set<string>();
        for (const m of paragraph.matchAll(QUOTED)) {
          const quoted = (m[1] ?? m[2] ?? m[3])!;
          for (const part of quoted.split(/…|\.\.\./)) {
            const words = squash(part);
            if (words.split(' ').length < MIN_QUOTED_WORDS) continue;
            if (official.some((t) => t.includes(words))) continue;
            const source = graded.find((c) => squash(c.text).includes(words));
            if (!source || flagged.has(part)) continue;
            flagged.add(part);
            problems.push(
              `${card.file}: ${field} mengutip "${shorten(part)}" dari ${source.doc.shortName} ${source.node.ref} (tingkat C, dikutip media) sebagai bunyi peraturan tanpa menyebut sumbernya pemberitaan; tambahkan di paragraf itu mis. "menurut pemberitaan" atau "sebagaimana dikutip media"`,
            );
          }
        }
        // A paragraph already reported for its quotation is not reported again for its "berbunyi".
        if (flagged.size > 0 || !WORDING_VERB.test(paragraph)) continue;
        for (const c of graded) {
          const named = mention(paragraph, c.node.ref);
          if (!named || flagged.has(named)) continue;
          flagged.add(named);
          problems.push(
            `${card.file}: ${field} menyebut bunyi ${c.doc.shortName} ${c.node.ref} (tingkat C, dikutip media) tanpa menyebut sumbernya pemberitaan; tambahkan di paragraf itu mis. "menurut pemberitaan"`,
          );
        }
      }
    }
  }
  return problems;
}

/** Every passage the card cites (basis, sanction, exceptions, consequences) with its grade. */
function citedPassages(card: CaseCard, documents: KnowledgeDocument[]): CitedPassage[] {
  const refs: BasisRef[] = [
    ...card.basis,
    ...card.sanction_basis,
    ...card.exceptions.flatMap((e) => e.basis),
    ...Object.values(card.consequences).flatMap((c) => c?.basis ?? []),
  ];
  return refs.flatMap((b) => {
    const doc = documents.find((d) => d.id === b.doc);
    const node = doc ? findNode(doc, b.ref) : undefined;
    const grade = doc && node ? passageProvenance(doc, node)?.grade : undefined;
    return doc && node && grade ? [{ doc, node, grade, text: nodeText(doc, node) }] : [];
  });
}

/** The card's text shown to users, field by field ("body", "exceptions[0].explain", "consequences.pppk.text"). */
function proseFields(card: CaseCard): [string, string][] {
  const fields: [string, string | undefined][] = [
    ['body', card.body],
    ['body_en', card.body_en],
    ['sanction', card.sanction],
    ['sanction_en', card.sanction_en],
    ...card.exceptions.flatMap((e, i): [string, string | undefined][] => [
      [`exceptions[${i}].explain`, e.explain],
      [`exceptions[${i}].explain_en`, e.explain_en],
    ]),
    ...Object.entries(card.consequences).flatMap(([status, c]): [string, string | undefined][] => [
      [`consequences.${status}.text`, c?.text],
      [`consequences.${status}.text_en`, c?.text_en],
    ]),
  ];
  return fields.filter((f): f is [string, string] => typeof f[1] === 'string' && f[1].length > 0);
}

/**
 * The paragraph names the passage: "Pasal 280 ayat (3)" or plain "Pasal 280" for `Pasal 280 ayat (3)`,
 * not "Pasal 280 ayat (2)"; the heading name ("Amar") for a passage of an un-numbered section.
 * Returns the mention as written (lower case), to report each one once.
 */
function mention(paragraph: string, ref: string): string | undefined {
  const pasal = /^Pasal (\d+[A-Z]?)(?: ayat \((\d+[a-z]?)\))?/.exec(ref);
  if (!pasal) return paragraph.toLowerCase().includes(ref.toLowerCase()) ? ref.toLowerCase() : undefined;
  const re = new RegExp(`\\bpasal\\s+${pasal[1]}\\b(?:\\s+ayat\\s*\\(?(\\d+[a-z]?)\\)?)?`, 'gi');
  for (const m of paragraph.matchAll(re)) {
    if (m[1] === undefined || pasal[2] === undefined || m[1] === pasal[2]) return m[0].toLowerCase().replace(/\s+/g, ' ');
  }
  return undefined;
}

function shorten(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 70 ? `${t.slice(0, 67)}…` : t;
}
