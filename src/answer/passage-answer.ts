import type { ScoredChunk } from '../retrieval/hybrid-retriever.js';
import { TEXTS } from './answer-text.js';
import { citationForChunk, statusRank } from './citations.js';
import { type ComposedAnswer, type ComposeInput, sourceNotes } from './compose-input.js';

/** The best regulation passage when retrieval agrees on it (top lexical and close in the vector space). */
export function strongPassage(input: ComposeInput): ScoredChunk | undefined {
  const regs = input.hits.filter((h) => h.chunk.kind === 'regulation');
  const top = regs[0];
  if (!top) return undefined;
  const lexicalTop = top.lexicalRank !== undefined && top.lexicalRank <= 5;
  const v = top.vectorScore ?? 0;
  return (lexicalTop && v >= 0.3) || v >= 0.45 ? top : undefined;
}

export function composeFromPassages(input: ComposeInput, verdict: 'informasi' | 'tidak_pasti'): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const regs = input.hits
    .filter((h) => h.chunk.kind === 'regulation')
    .slice(0, 6)
    .sort((a, b) => statusRank(a.chunk.status) - statusRank(b.chunk.status) || b.score - a.score)
    .slice(0, 3);
  const citations = regs.map((h) => citationForChunk(kb, h.chunk)).filter((c) => c !== undefined);
  const lines = regs.map((h) => `• ${h.chunk.label}: "${h.chunk.quote}"`);
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  if (verdict === 'tidak_pasti') {
    parts.push(t.opening.tidak_pasti);
    if (lines.length > 0) parts.push(`${t.uncertainIntro}\n${lines.join('\n')}`);
    const near = input.cards[0];
    if (near && near.confidence >= 0.3) {
      parts.push(
        u.language === 'en'
          ? `A related case Netra knows: ${near.card.summary_en ?? near.card.title}`
          : `Kasus terdekat yang Netra ketahui: "${near.card.title}". Jika itu yang Anda maksud, tanyakan dengan kata-kata yang lebih spesifik.`,
      );
    }
    parts.push(t.whoToAsk);
  } else {
    parts.push(`${t.passagesIntro}\n${lines.join('\n')}`);
  }
  parts.push(...sourceNotes(kb, citations, u.language));
  if (u.escalate) parts.push(t.escalateOffer);
  return {
    composer: 'offline',
    answer: {
      question: input.question,
      verdict,
      answer: parts.join('\n\n'),
      citations,
      escalate: u.escalate,
      language: u.language,
    },
  };
}
