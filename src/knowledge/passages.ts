import type { KnowledgeDocument } from './knowledge-base.js';
import { type LegalNode, normalizeRef } from './legal-structure.js';

/** `PP 94/2021 › Pasal 5 › huruf n › angka 1`: how a passage is labelled for people and in the index. */
export function passageLabel(doc: KnowledgeDocument, node: LegalNode): string {
  return [doc.shortName, ...node.path].join(' › ');
}

/** The node's whole text (with its children), exactly as in the document. */
export function nodeText(doc: KnowledgeDocument, node: LegalNode): string {
  return doc.text.slice(node.start, node.end).trim();
}

/** The node's own lines, without its children (the lead-in of a list). */
export function nodeOwnText(doc: KnowledgeDocument, node: LegalNode): string {
  const end = node.ownEnd > node.start ? node.ownEnd : node.end;
  return doc.text.slice(node.start, end).trim();
}

/**
 * The text to quote for a node: a single line, so the quote stays a verbatim substring of the
 * file whatever whitespace normalisation a reader applies. Multi-line nodes give their most
 * substantial own line (the ayat sentence, the explanation under "Angka 1").
 */
export function passageQuote(doc: KnowledgeDocument, node: LegalNode): string {
  const full = nodeText(doc, node);
  if (!full.includes('\n')) return full;
  const lines = nodeOwnText(doc, node)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const candidates = lines.length > 0 ? lines : full.split('\n').map((l) => l.trim()).filter(Boolean);
  return candidates.reduce((best, l) => (l.length > best.length ? l : best), '');
}

/** Lead-in lines of the node's ancestors ("PNS dilarang:", "n. memberikan dukungan … dengan cara:"). */
export function ancestorContext(doc: KnowledgeDocument, node: LegalNode): string {
  const parts: string[] = [];
  for (let p = node.parent; p; p = p.parent) {
    const own = nodeOwnText(doc, p);
    if (own) parts.unshift(own);
  }
  return parts.join(' ');
}

const nodesByRef = new WeakMap<KnowledgeDocument, Map<string, LegalNode>>();

/**
 * The document's nodes by normalised ref (the first node of each ref), built once per document:
 * checks, citations and article lookups resolve refs thousands of times, and a scan of every node
 * for each made loading a large corpus slow.
 */
function refIndex(doc: KnowledgeDocument): Map<string, LegalNode> {
  let index = nodesByRef.get(doc);
  if (!index || index.size === 0) {
    index = new Map();
    for (const n of doc.nodes) {
      const key = normalizeRef(n.ref);
      if (!index.has(key)) index.set(key, n);
    }
    nodesByRef.set(doc, index);
  }
  return index;
}

/** Finds a node by its citation ref (`Pasal 8 ayat 3 huruf a` and `Pasal 8 ayat (3) huruf a` are the same). */
export function findNode(doc: KnowledgeDocument, ref: string): LegalNode | undefined {
  return refIndex(doc).get(normalizeRef(ref));
}
