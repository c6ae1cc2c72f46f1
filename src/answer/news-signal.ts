import { analyzeDocument } from '../retrieval/indonesian-analyzer.js';
import type { LoadedIndex } from '../retrieval/index-store.js';

const vocabularies = new WeakMap<LoadedIndex, Set<string>>();

/** Words that occur in news articles but nowhere in the regulations or case cards: names, places, events. */
function newsOnlyVocabulary(index: LoadedIndex): Set<string> {
  let vocab = vocabularies.get(index);
  if (!vocab) {
    const news = new Set<string>();
    const other = new Set<string>();
    for (const c of index.chunks) for (const t of analyzeDocument(c.text)) (c.kind === 'news' ? news : other).add(t);
    vocab = new Set([...news].filter((t) => !other.has(t) && t.length > 2 && !/^\d+$/.test(t)));
    vocabularies.set(index, vocab);
  }
  return vocab;
}

/**
 * How many words of the question only the news articles contain ("Gorontalo", "Idris", "Rakor",
 * "Lampung"): a question naming people, places or events from the news is about the news.
 */
export function newsSignal(index: LoadedIndex, question: string): number {
  const vocab = newsOnlyVocabulary(index);
  return new Set(analyzeDocument(question).filter((t) => vocab.has(t))).size;
}
