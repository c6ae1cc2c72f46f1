import type { KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import { findNode, nodeText } from '../knowledge/passages.js';
import type { Citation } from './answer-contract.js';
import { citationProvenance, citationTitle } from './citations.js';

export interface VerificationResult {
  kept: Citation[];
  dropped: { citation: Citation; reason: string }[];
}

/**
 * The last gate before anything is shown: a citation survives only if its document exists, its
 * ref names a passage of that document, and its quote is found in that passage. A quote that
 * differs only in whitespace is replaced by the document's exact text; anything else is dropped.
 */
export function verifyCitations(citations: Citation[], kb: KnowledgeBase): VerificationResult {
  const kept: Citation[] = [];
  const dropped: VerificationResult['dropped'] = [];
  const seen = new Set<string>();
  for (const c of citations) {
    const doc = kb.documents.find((d) => d.id === c.sourceId);
    if (!doc) {
      dropped.push({ citation: c, reason: 'dokumen tidak ada di korpus' });
      continue;
    }
    const node = findNode(doc, c.ref);
    if (!node) {
      dropped.push({ citation: c, reason: `rujukan "${c.ref}" tidak ada di ${doc.id}` });
      continue;
    }
    const exact = locateQuote(doc, nodeText(doc, node), c.quote);
    if (!exact) {
      dropped.push({ citation: c, reason: 'kutipan tidak ditemukan pada pasal yang dirujuk' });
      continue;
    }
    const key = `${doc.id}|${node.ref}|${exact}`;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push({ ...c, ref: node.ref, quote: exact, title: citationTitle(doc), ...citationProvenance(doc, node) });
  }
  return { kept, dropped };
}

/** The exact text of `quote` inside `passage` (tolerating whitespace differences), or undefined. */
export function locateQuote(doc: KnowledgeDocument, passage: string, quote: string): string | undefined {
  const q = quote.trim().replace(/^["“'«]+|["”'»]+$/g, '').trim();
  if (q.length < 8) return undefined;
  if (passage.includes(q) && doc.text.includes(q)) return q;
  const words = q.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const match = new RegExp(words.join('\\s+')).exec(passage);
  return match && doc.text.includes(match[0]) ? match[0] : undefined;
}
