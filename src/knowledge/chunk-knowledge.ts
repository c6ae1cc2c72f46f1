import { z } from 'zod';
import type { KnowledgeBase } from './knowledge-base.js';
import { ancestorContext, nodeText, passageLabel, passageQuote } from './passages.js';

/** What the retrieval indexes hold: one legal unit, one news paragraph, or one whole case card. */
export interface KnowledgeChunk {
  /** `pp-94-2021#Pasal 5 huruf n angka 1`, `003_…#paragraf 2`, `card:<id>`. */
  id: string;
  kind: 'regulation' | 'news' | 'card';
  /** The document id (for cards: the card id). */
  docId: string;
  ref: string;
  label: string;
  /** Verbatim text to cite (empty for cards, which are cited through their basis). */
  quote: string;
  /** Text for the lexical and vector indexes: label, context and content. */
  text: string;
  status: string;
  /** Hash of the source, so unchanged chunks reuse cached embeddings. */
  sourceHash: string;
}

/** A chunk as stored in an index build (`chunks.json`), validated when read back. */
export const KnowledgeChunkSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['regulation', 'news', 'card']),
  docId: z.string().min(1),
  ref: z.string(),
  label: z.string(),
  quote: z.string(),
  text: z.string(),
  status: z.string(),
  sourceHash: z.string(),
});

/** A list (an ayat with its huruf, a huruf with its angka) up to this size is also indexed whole. */
const WHOLE_LIST_MAX_CHARS = 1500;

/**
 * Chunks the knowledge base by its own structure: regulations by their smallest legal unit (an
 * article, or an ayat/huruf/angka of it, labelled with its path and carrying its lead-in as
 * context), plus each short list as a whole so "what are the kinds of …" finds the full list;
 * news by paragraph with the article's metadata; case cards whole.
 */
export function chunkKnowledge(kb: Pick<KnowledgeBase, 'documents' | 'cards'>): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  for (const doc of kb.documents) {
    for (const node of doc.nodes) {
      const content = nodeText(doc, node);
      if (node.children.length > 0 && (doc.kind !== 'regulation' || content.length > WHOLE_LIST_MAX_CHARS)) continue;
      const label = passageLabel(doc, node);
      const context =
        doc.kind === 'news'
          ? `${doc.title}. ${doc.outlet ?? ''} ${doc.date ?? ''}`
          : `${doc.title}. ${ancestorContext(doc, node)}`;
      chunks.push({
        id: `${doc.id}#${node.ref}`,
        kind: doc.kind,
        docId: doc.id,
        ref: node.ref,
        label,
        quote: passageQuote(doc, node),
        text: `${label}. ${context}\n${content}`,
        status: doc.status,
        sourceHash: doc.hash,
      });
    }
  }
  for (const card of kb.cards) {
    chunks.push({
      id: `card:${card.id}`,
      kind: 'card',
      docId: card.id,
      ref: card.title,
      label: `Kartu kasus › ${card.title}`,
      quote: '',
      text: [card.title, ...card.phrasings, card.body, card.summary_en ?? '', ...card.conditions].join('\n'),
      status: card.verdict,
      sourceHash: card.hash,
    });
  }
  return chunks;
}
