import type { KnowledgeBase, ResolvedBasis } from './knowledge-base.js';
import { documentById } from './document-index.js';
import { findNode, nodeText } from './passages.js';
import type { BasisRef } from './schemas.js';

/**
 * Resolves every case card's `basis` and `sanction_basis` against the regulations. Returns the
 * problems (a dangling doc or ref, a quote that is not in the passage); empty means consistent.
 * A card whose basis does not resolve could make the bot cite an article that is not in the corpus.
 */
export function checkIntegrity(kb: KnowledgeBase): string[] {
  const problems: string[] = [];
  for (const card of kb.cards) {
    // Exceptions and per-status consequences cite texts too; each must resolve like the card's basis.
    const refs: [string, BasisRef[]][] = [
      ['basis', card.basis],
      ['sanction_basis', card.sanction_basis],
      ...card.exceptions.map((e) => [`exceptions.${e.id}.basis`, e.basis] as [string, BasisRef[]]),
      ...Object.entries(card.consequences).map(([k, c]) => [`consequences.${k}.basis`, c?.basis ?? []] as [string, BasisRef[]]),
    ];
    for (const [field, list] of refs) {
      list.forEach((b, i) => {
        const result = resolveBasis(kb, b);
        if (typeof result === 'string') problems.push(`${card.file}: ${field}[${i}] ${result}`);
      });
    }
  }
  return problems;
}

/** Resolves one basis reference, or explains in one line why it does not resolve. */
export function resolveBasis(kb: KnowledgeBase, b: BasisRef): ResolvedBasis | string {
  const document = documentById(kb.documents, b.doc);
  if (!document) return `dokumen "${b.doc}" tidak ada di knowledge/`;
  const node = findNode(document, b.ref);
  if (!node) return `${b.doc} "${b.ref}" tidak ditemukan (rujukan menggantung)`;
  if (b.quote && !nodeText(document, node).includes(b.quote)) {
    return `kutipan untuk ${b.doc} "${b.ref}" tidak persis sama dengan teks pasal`;
  }
  return { ...b, document, node };
}
