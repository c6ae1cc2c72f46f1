import { resolveBasis } from '../knowledge/check-integrity.js';
import type { CaseCard, KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import type { KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import type { LegalNode } from '../knowledge/legal-structure.js';
import { passageQuote } from '../knowledge/passages.js';
import type { BasisRef } from '../knowledge/schemas.js';
import type { Citation } from './answer-contract.js';

/** Orders sources as answers should prefer them: verbatim law in force, then repealed, then news-reported. */
export function statusRank(status: string): number {
  return status === 'berlaku' ? 0 : status === 'dicabut' ? 1 : status === 'sekunder' ? 2 : 3;
}

/**
 * A citation's title: the short name people use plus the subject ("PP 94/2021 tentang Disiplin
 * Pegawai Negeri Sipil"), which reads better in a chat than the full promulgation title.
 */
export function citationTitle(doc: KnowledgeDocument): string {
  if (doc.kind === 'news') return `${doc.outlet ?? doc.shortName}: ${doc.title}`;
  const subject = / tentang (.+)$/.exec(doc.title)?.[1];
  return subject && doc.status !== 'sekunder' ? `${doc.shortName} tentang ${subject}` : doc.shortName;
}

export function citationFor(doc: KnowledgeDocument, node: LegalNode, quote?: string): Citation {
  return {
    sourceId: doc.id,
    title: citationTitle(doc),
    ref: node.ref,
    quote: quote ?? passageQuote(doc, node),
    ...(doc.url ? { url: doc.url } : {}),
  };
}

/** A retrieved regulation or news chunk as a citation. */
export function citationForChunk(kb: KnowledgeBase, chunk: KnowledgeChunk): Citation | undefined {
  const doc = kb.documents.find((d) => d.id === chunk.docId);
  const node = doc?.nodes.find((n) => n.ref === chunk.ref);
  return doc && node ? citationFor(doc, node, chunk.quote || undefined) : undefined;
}

/** Citations for a list of basis references, law in force first, without duplicates. */
export function citationsForBasis(kb: KnowledgeBase, list: BasisRef[], max = 4): Citation[] {
  const resolved = list
    .flatMap((b) => {
      const r = resolveBasis(kb, b);
      return typeof r === 'string' ? [] : [r];
    })
    .map((r, i) => ({ r, i }))
    .sort((a, b) => statusRank(a.r.document.status) - statusRank(b.r.document.status) || a.i - b.i);
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const { r } of resolved) {
    const key = `${r.document.id}|${r.node.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(citationFor(r.document, r.node, r.quote));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * The citations of a card: its basis (law in force first, the news-reported annex last) and one
 * sanction article; when the question is about the sanction, the sanction articles come first.
 */
export function citationsForCard(kb: KnowledgeBase, card: CaseCard, withSanction: boolean, max = 4): Citation[] {
  const resolve = (list: BasisRef[]) =>
    list.flatMap((b) => {
      const r = resolveBasis(kb, b);
      return typeof r === 'string' ? [] : [r];
    });
  const basis = resolve(card.basis).sort((a, b) => statusRank(a.document.status) - statusRank(b.document.status));
  const sanction = resolve(card.sanction_basis);
  // A sanction question leads with the sanction articles; a conduct question with the prohibition.
  const ordered = withSanction ? [...sanction.slice(0, 2), ...basis] : [...basis.slice(0, max - 1), ...sanction.slice(0, 1)];
  const seen = new Set<string>();
  const out: Citation[] = [];
  for (const r of ordered) {
    const key = `${r.document.id}|${r.node.ref}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(citationFor(r.document, r.node, r.quote));
    if (out.length >= max) break;
  }
  return out;
}
