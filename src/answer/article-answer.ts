import { nodeText } from '../knowledge/passages.js';
import { TEXTS } from './answer-text.js';
import type { ArticleRequest } from './article-lookup.js';
import { citationFor, statusRank } from './citations.js';
import { type ComposedAnswer, type ComposeInput, plainAnswer, sourceNotes } from './compose-input.js';

/** Longest article text shown in an answer; the citation points to the whole article. */
const MAX_ARTICLE_CHARS = 1500;

/**
 * "Apa isi Pasal 282 UU Pemilu?": shows the article as the corpus holds it, or says plainly that
 * the corpus does not hold it (Netra never quotes an article from memory).
 */
export function composeFromArticle(input: ComposeInput, request: ArticleRequest): ComposedAnswer | undefined {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  if (request.found.length === 0) {
    const doc = request.named[0];
    if (!doc) return undefined;
    const held = [...new Set(doc.nodes.filter((n) => n.path.length === 1 && /^Pasal /.test(n.ref)).map((n) => n.ref))];
    const text =
      u.language === 'en'
        ? `${request.pasal} of ${doc.shortName} is not among the texts in Netra's knowledge base, and Netra does not quote articles from memory. Articles of ${doc.shortName} it holds: ${held.join(', ') || '-'}.`
        : `${request.pasal} ${doc.shortName} tidak termasuk kutipan yang tersedia di basis pengetahuan Netra, dan Netra tidak mengutip pasal dari ingatan. Pasal ${doc.shortName} yang tersedia: ${held.map((h) => h.replace('Pasal ', '')).join(', ') || '-'}.`;
    return plainAnswer(input, 'tidak_pasti', `${text}\n\n${t.whoToAsk}`, u.escalate);
  }
  const found = [...request.found].sort((a, b) => statusRank(a.document.status) - statusRank(b.document.status)).slice(0, 2);
  const parts = found.map(({ document, node }) => {
    const text = nodeText(document, node);
    const shown = text.length > MAX_ARTICLE_CHARS ? `${text.slice(0, MAX_ARTICLE_CHARS)} …` : text;
    return `${document.shortName} ${node.ref}:\n${shown}`;
  });
  const citations = found.map(({ document, node }) => {
    // A long article is cited by its first item, so the quote stays one exact line.
    const first = node.children[0];
    return citationFor(document, first && !nodeText(document, node).split('\n')[0]!.trim() ? first : node);
  });
  parts.push(...sourceNotes(kb, citations, u.language));
  return {
    composer: 'offline',
    answer: { question: input.question, verdict: 'informasi', answer: parts.join('\n\n'), citations, escalate: u.escalate, language: u.language },
  };
}
