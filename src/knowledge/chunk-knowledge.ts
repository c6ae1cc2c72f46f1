import type { CaseCard, KnowledgeBase, KnowledgeDocument } from './knowledge-base.js';
import type { LegalNode } from './legal-structure.js';
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

/** A list (an ayat with its huruf, a huruf with its angka) up to this size is also indexed whole. */
const WHOLE_LIST_MAX_CHARS = 1500;

/**
 * Chunks the knowledge base by its own structure: regulations by their smallest legal unit (an
 * article, or an ayat/huruf/angka of it, labelled with its path and carrying its lead-in as
 * context), plus each short list as a whole so "what are the kinds of …" finds the full list;
 * news by paragraph with the article's metadata; case cards whole.
 *
 * With `lazyText`, a chunk's `label`, `quote` and `text` are cut when first read and then kept: a
 * loaded index needs them only for the few chunks a question retrieves, and cutting them for every
 * chunk cost a large corpus hundreds of milliseconds and tens of megabytes per load. Such a chunk
 * is a class instance whose three texts are accessors: read them, do not spread the chunk.
 */
export function chunkKnowledge(kb: Pick<KnowledgeBase, 'documents' | 'cards'>, options: { lazyText?: boolean } = {}): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  for (const doc of kb.documents) {
    for (const node of doc.nodes) {
      if (node.children.length > 0 && (doc.kind !== 'regulation' || nodeText(doc, node).length > WHOLE_LIST_MAX_CHARS)) continue;
      const chunk = new PassageChunk(doc, node);
      chunks.push(options.lazyText ? chunk : plain(chunk));
    }
  }
  for (const card of kb.cards) {
    const chunk = new CardChunk(card);
    chunks.push(options.lazyText ? chunk : plain(chunk));
  }
  return chunks;
}

/** A plain object with every field (what the index builder analyses and tests compare). */
function plain(c: KnowledgeChunk): KnowledgeChunk {
  return { id: c.id, kind: c.kind, docId: c.docId, ref: c.ref, label: c.label, quote: c.quote, text: c.text, status: c.status, sourceHash: c.sourceHash };
}

/** A regulation or news passage; its texts are cut from the document on first read. */
class PassageChunk implements KnowledgeChunk {
  readonly id: string;
  readonly kind: KnowledgeChunk['kind'];
  readonly docId: string;
  readonly ref: string;
  readonly status: string;
  readonly sourceHash: string;
  #label: string | undefined;
  #quote: string | undefined;
  #text: string | undefined;
  readonly #doc: KnowledgeDocument;
  readonly #node: LegalNode;

  constructor(doc: KnowledgeDocument, node: LegalNode) {
    this.id = `${doc.id}#${node.ref}`;
    this.kind = doc.kind;
    this.docId = doc.id;
    this.ref = node.ref;
    this.status = doc.status;
    this.sourceHash = doc.hash;
    this.#doc = doc;
    this.#node = node;
  }

  get label(): string {
    this.#label ??= passageLabel(this.#doc, this.#node);
    return this.#label;
  }

  get quote(): string {
    this.#quote ??= passageQuote(this.#doc, this.#node);
    return this.#quote;
  }

  /** Label, context (the document's title and the lead-ins above the passage) and content. */
  get text(): string {
    if (this.#text === undefined) {
      const doc = this.#doc;
      const context = doc.kind === 'news' ? `${doc.title}. ${doc.outlet ?? ''} ${doc.date ?? ''}` : `${doc.title}. ${ancestorContext(doc, this.#node)}`;
      this.#text = `${this.label}. ${context}\n${nodeText(doc, this.#node)}`;
    }
    return this.#text;
  }
}

/** A whole case card. */
class CardChunk implements KnowledgeChunk {
  readonly id: string;
  readonly kind = 'card' as const;
  readonly docId: string;
  readonly ref: string;
  readonly quote = '';
  readonly status: string;
  readonly sourceHash: string;
  #text: string | undefined;
  readonly #card: CaseCard;

  constructor(card: CaseCard) {
    this.id = `card:${card.id}`;
    this.docId = card.id;
    this.ref = card.title;
    this.status = card.verdict;
    this.sourceHash = card.hash;
    this.#card = card;
  }

  get label(): string {
    return `Kartu kasus › ${this.#card.title}`;
  }

  get text(): string {
    const card = this.#card;
    this.#text ??= [card.title, ...card.phrasings, card.body, card.summary_en ?? '', ...card.conditions].join('\n');
    return this.#text;
  }
}
