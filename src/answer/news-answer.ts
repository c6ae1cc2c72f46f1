import { analyzeQuery } from '../retrieval/indonesian-analyzer.js';
import { TEXTS } from './answer-text.js';
import { citationFor, citationForChunk } from './citations.js';
import type { ComposedAnswer, ComposeInput } from './compose-input.js';

/** "Apa kata …", "Siapa …": the sentence of the best news paragraph that answers it, said to be news. */
export function composeFromNews(input: ComposeInput): ComposedAnswer | undefined {
  const { understanding: u, kb } = input;
  const news = input.hits.filter((h) => h.chunk.kind === 'news');
  const top = news[0];
  if (!top) return undefined;
  const doc = kb.documents.find((d) => d.id === top.chunk.docId);
  const node = doc?.nodes.find((n) => n.ref === top.chunk.ref);
  if (!doc || !node) return undefined;
  const paragraph = doc.text.slice(node.start, node.end);
  const sentence = bestSentence(paragraph, input.question);
  const citation = citationFor(doc, node, sentence);
  const second = news.find((h) => h.chunk.docId !== doc.id && (h.vectorScore ?? 0) >= 0.3);
  const citations = [citation, ...(second ? [citationForChunk(kb, second.chunk)].filter((c) => c !== undefined) : [])];
  const t = TEXTS[u.language];
  const when = doc.date ?? '';
  return {
    composer: 'offline',
    answer: {
      question: input.question,
      verdict: 'informasi',
      answer: `${t.newsIntro(doc.outlet ?? doc.shortName, when)} "${sentence}"\n\n${u.language === 'en' ? 'This is what the news article reports, not a regulation.' : 'Ini isi pemberitaan, bukan teks peraturan.'}`,
      citations,
      escalate: u.escalate,
      language: u.language,
    },
  };
}

/** The sentence of `paragraph` sharing most words with the question (a verbatim substring). */
function bestSentence(paragraph: string, question: string): string {
  const q = new Set(analyzeQuery(question));
  const sentences = paragraph.match(/[^.!?]+[.!?]+["”]?|[^.!?]+$/g) ?? [paragraph];
  let best = paragraph.trim();
  let bestScore = -1;
  for (const s of sentences) {
    const trimmed = s.trim();
    if (trimmed.length < 25) continue;
    const tokens = new Set(analyzeQuery(trimmed));
    let shared = 0;
    for (const x of q) if (tokens.has(x)) shared += 1;
    const score = shared / Math.sqrt(tokens.size + 1);
    if (score > bestScore) {
      bestScore = score;
      best = trimmed;
    }
  }
  return best;
}
