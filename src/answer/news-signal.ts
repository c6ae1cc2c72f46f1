import { analyzeDocument } from '../retrieval/indonesian-analyzer.js';
import type { LoadedIndex } from '../retrieval/index-store.js';

/**
 * How many words of the question only the news articles contain ("Gorontalo", "Idris", "Rakor",
 * "Lampung"): a question naming people, places or events from the news is about the news. The
 * vocabulary (words in news chunks but in no regulation or case card) is computed when the index
 * is built, so no question pays for it.
 */
export function newsSignal(index: LoadedIndex, question: string): number {
  const vocab = index.newsVocabulary;
  return new Set(analyzeDocument(question).filter((t) => vocab.has(t))).size;
}
