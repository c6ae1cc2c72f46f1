import type { KnowledgeBase, KnowledgeDocument } from './knowledge-base.js';
import { type LegalNode, normalizeRef } from './legal-structure.js';

/** Where one article is held: the regulation and its node. */
export interface HeldArticle {
  document: KnowledgeDocument;
  node: LegalNode;
}

const indexes = new WeakMap<KnowledgeBase, Map<string, HeldArticle[]>>();

/**
 * Every regulation article by number ("pasal 5" → each regulation holding a Pasal 5, in corpus
 * order, first node of that ref per regulation), built once per knowledge base: "Apa isi Pasal 5?"
 * without a law named is then one lookup instead of a scan of every node of every regulation.
 */
export function articlesByNumber(kb: KnowledgeBase): Map<string, HeldArticle[]> {
  let index = indexes.get(kb);
  if (!index) {
    index = new Map();
    for (const document of kb.documents) {
      if (document.kind !== 'regulation') continue;
      const seen = new Set<string>();
      for (const node of document.nodes) {
        const key = normalizeRef(node.ref);
        if (!/^pasal \d+[a-z]?$/.test(key) || seen.has(key)) continue;
        seen.add(key);
        const list = index.get(key) ?? [];
        list.push({ document, node });
        index.set(key, list);
      }
    }
    indexes.set(kb, index);
  }
  return index;
}

/** The regulations holding article `pasal` ("Pasal 5", "Pasal 70A"), in corpus order. */
export function findArticles(kb: KnowledgeBase, pasal: string): HeldArticle[] {
  return [...(articlesByNumber(kb).get(normalizeRef(pasal)) ?? [])];
}
