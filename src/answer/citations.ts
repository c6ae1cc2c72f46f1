import { resolveBasis } from '../knowledge/check-integrity.js';
import type { CaseCard, KnowledgeBase, KnowledgeDocument } from '../knowledge/knowledge-base.js';
import type { KnowledgeChunk } from '../knowledge/chunk-knowledge.js';
import type { LegalNode } from '../knowledge/legal-structure.js';
import { passageQuote } from '../knowledge/passages.js';
import { passageProvenance } from '../knowledge/provenance.js';
import type { BasisRef } from '../knowledge/schemas.js';
import type { Citation } from './answer-contract.js';

/** Orders sources as answers should prefer them: verbatim law in force, then repealed, then news-reported. */
export function statusRank(status: string): number {
  return status === 'berlaku' ? 0 : status === 'dicabut' ? 1 : status === 'sekunder' ? 2 : 3;
}

/**
 * A citation's title: the short name people use ("UU 8/2015", "PP 94/2021"), never the
 * promulgation title, which for an amending law runs to 230 characters. The news-reported annex
 * keeps its "(menurut berita)"; a news article is cited by outlet and headline.
 */
export function citationTitle(doc: KnowledgeDocument): string {
  if (doc.kind === 'news') return `${doc.outlet ?? doc.shortName}: ${doc.title}`;
  return doc.shortName;
}

/**
 * How sure a passage's text is and where to read it, as citation fields: the grade, the
 * provenance, the page of that section (`sourceUrl`, also as `url` for older clients) and its
 * site, and what replaced it if it is no longer in force. Empty for a document without grades
 * (an index built before grades existed).
 */
export function citationProvenance(doc: KnowledgeDocument, node: LegalNode): Partial<Citation> {
  if (doc.kind === 'news') {
    return { provenance: 'berita', ...(doc.url ? { url: doc.url, sourceUrl: doc.url, sourceName: doc.outlet ?? siteOf(doc.url) } : {}) };
  }
  const p = passageProvenance(doc, node);
  if (!p) return doc.url ? { url: doc.url } : {};
  const site = siteOf(p.link);
  return {
    url: p.link,
    grade: p.grade,
    provenance: p.provenance,
    sourceUrl: p.link,
    ...(site ? { sourceName: site } : {}),
    ...(p.supersededBy ? { supersededBy: p.supersededBy.name } : {}),
  };
}

export function citationFor(doc: KnowledgeDocument, node: LegalNode, quote?: string): Citation {
  return {
    sourceId: doc.id,
    title: citationTitle(doc),
    ref: node.ref,
    quote: quote ?? passageQuote(doc, node),
    ...citationProvenance(doc, node),
  };
}

/** "https://www.grid.id/read/…" → "grid.id"; a GitHub file keeps its repository ("github.com/mblonyox/data-peraturan"). */
function siteOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    const host = u.hostname.replace(/^(www|m|amp|mail)\./, '');
    if (host === 'github.com') return `github.com/${u.pathname.split('/').slice(1, 3).join('/')}`;
    return host;
  } catch {
    return undefined;
  }
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
