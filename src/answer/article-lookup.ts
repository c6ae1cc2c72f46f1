import { findArticles } from '../knowledge/article-index.js';
import type { KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import type { LegalNode } from '../knowledge/legal-structure.js';
import { findNode } from '../knowledge/passages.js';

/** A question that names an article ("Apa isi Pasal 282 UU Pemilu?"), resolved against the corpus. */
export interface ArticleRequest {
  pasal: string;
  /** Documents the question names (by number or alias); empty when it names none. */
  named: KnowledgeDocument[];
  /** Where the article was found. */
  found: { document: KnowledgeDocument; node: LegalNode }[];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Each document's "PP 94/2021" pattern, compiled once (a question is checked against every regulation). */
const numberPatterns = new WeakMap<KnowledgeDocument, RegExp | null>();

function numberPattern(doc: KnowledgeDocument): RegExp | null {
  let re = numberPatterns.get(doc);
  if (re === undefined) {
    const type = doc.type.toLowerCase();
    re =
      doc.number && doc.year && /^(uu|pp|perpres|permen|perbawaslu|se)$/.test(type)
        ? new RegExp(`\\b${escapeRegExp(type)}\\s*(no\\.?|nomor)?\\s*${escapeRegExp(doc.number)}(\\s*(/|tahun)\\s*${doc.year})?\\b`)
        : null;
    numberPatterns.set(doc, re);
  }
  return re;
}

/** Does the question name this document ("PP 94/2021", "PP Nomor 94 Tahun 2021", "UU Pemilu")? */
function names(doc: KnowledgeDocument, lower: string): boolean {
  if (numberPattern(doc)?.test(lower)) return true;
  return (doc.aliases ?? []).some((a) => lower.includes(a.toLowerCase()));
}

/**
 * Finds "Pasal N" (or "Article N") in a question and where the corpus has it. Netra quotes only
 * articles it holds: when the named law is in the corpus but the article is not, the caller says
 * so instead of answering from memory.
 */
export function findArticleRequest(question: string, kb: KnowledgeBase): ArticleRequest | undefined {
  const lower = question.toLowerCase();
  const m = /\b(?:pasal|article)\s+(\d+[a-z]?)\b/i.exec(lower);
  if (!m) return undefined;
  const pasal = `Pasal ${m[1]!.toUpperCase()}`;
  const regulations = kb.documents.filter((d) => d.kind === 'regulation');
  const named = regulations.filter((d) => names(d, lower));
  // No law named: every regulation holding that article, from the index by number.
  const found =
    named.length > 0
      ? named.flatMap((document) => {
          const node = findNode(document, pasal);
          return node ? [{ document, node }] : [];
        })
      : findArticles(kb, pasal);
  return { pasal, named, found };
}
