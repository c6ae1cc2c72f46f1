import type { CaseCard, KnowledgeBase } from '../knowledge/knowledge-base.js';
import { analyzeQuery } from '../retrieval/indonesian-analyzer.js';
import type { ScoredChunk } from '../retrieval/hybrid-retriever.js';

/** A case card considered for a question, with how sure the match is (0–1). */
export interface CardMatch {
  card: CaseCard;
  confidence: number;
  /** Best set-cosine between the question and one of the card's phrasings or its title. */
  phrasingScore: number;
  /** Cosine similarity of question and card embedding, when retrieved by the vector index. */
  vectorScore: number;
  /** Rank among retrieved chunks (0 = best), or undefined when only phrasings matched. */
  rank?: number;
}

interface CardProfile {
  card: CaseCard;
  phrasings: Set<string>[];
}

const profiles = new WeakMap<KnowledgeBase, CardProfile[]>();

function profilesOf(kb: KnowledgeBase): CardProfile[] {
  let p = profiles.get(kb);
  if (!p) {
    p = kb.cards.map((card) => ({
      card,
      phrasings: [card.title, ...card.phrasings].map((t) => new Set(analyzeQuery(t))),
    }));
    profiles.set(kb, p);
  }
  return p;
}

function setCosine(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared += 1;
  return shared / Math.sqrt(a.size * b.size);
}

/**
 * Ranks the case cards for a question by combining how close it is to the ways people ask
 * about each card (its phrasings) with where hybrid retrieval placed the card.
 */
export function matchCards(question: string, hits: ScoredChunk[], kb: KnowledgeBase): CardMatch[] {
  const q = new Set(analyzeQuery(question));
  const retrieved = new Map<string, { rank: number; vectorScore: number }>();
  hits.forEach((h, rank) => {
    if (h.chunk.kind === 'card' && !retrieved.has(h.chunk.docId)) {
      retrieved.set(h.chunk.docId, { rank, vectorScore: h.vectorScore ?? 0 });
    }
  });
  const matches: CardMatch[] = [];
  for (const { card, phrasings } of profilesOf(kb)) {
    const phrasingScore = Math.max(...phrasings.map((p) => setCosine(q, p)));
    const r = retrieved.get(card.id);
    if (!r && phrasingScore < 0.2) continue;
    const rankBonus = r ? 0.15 / (1 + r.rank / 3) : 0;
    const vectorScore = r?.vectorScore ?? 0;
    const confidence = Math.min(1, 0.6 * phrasingScore + 0.35 * vectorScore + rankBonus);
    matches.push({ card, confidence, phrasingScore, vectorScore, rank: r?.rank });
  }
  return matches.sort((a, b) => b.confidence - a.confidence);
}
