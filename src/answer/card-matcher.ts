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

interface Profiles {
  cards: CardProfile[];
  /** Inverse card frequency: "pns" or "calon" appear in most cards and say little about which one fits. */
  idf: Map<string, number>;
  defaultIdf: number;
}

const cache = new WeakMap<KnowledgeBase, Profiles>();

function profilesOf(kb: KnowledgeBase): Profiles {
  let p = cache.get(kb);
  if (!p) {
    const cards = kb.cards.map((card) => ({
      card,
      phrasings: [card.title, ...card.phrasings].map((t) => new Set(analyzeQuery(t))),
    }));
    const df = new Map<string, number>();
    for (const c of cards) for (const t of new Set(c.phrasings.flatMap((s) => [...s]))) df.set(t, (df.get(t) ?? 0) + 1);
    const n = Math.max(cards.length, 1);
    const idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + n / d)] as const));
    p = { cards, idf, defaultIdf: Math.log(1 + n) };
    cache.set(kb, p);
  }
  return p;
}

function weightedCosine(a: Set<string>, b: Set<string>, w: (t: string) => number): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  let na = 0;
  let nb = 0;
  for (const t of a) {
    const x = w(t) ** 2;
    na += x;
    if (b.has(t)) shared += x;
  }
  for (const t of b) nb += w(t) ** 2;
  return shared / Math.sqrt(na * nb);
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
  const { cards, idf, defaultIdf } = profilesOf(kb);
  // Words no card uses count at half weight: a question mostly about something no card covers
  // should not match a card on its few common words, but one name or place must not sink a match.
  const weight = (t: string) => idf.get(t) ?? defaultIdf / 2;
  for (const { card, phrasings } of cards) {
    const phrasingScore = Math.max(...phrasings.map((p) => weightedCosine(q, p, weight)));
    const r = retrieved.get(card.id);
    if (!r && phrasingScore < 0.2) continue;
    const rankBonus = r ? 0.15 / (1 + r.rank / 3) : 0;
    const vectorScore = r?.vectorScore ?? 0;
    const confidence = Math.min(1, 0.6 * phrasingScore + 0.35 * vectorScore + rankBonus);
    matches.push({ card, confidence, phrasingScore, vectorScore, rank: r?.rank });
  }
  return matches.sort((a, b) => b.confidence - a.confidence);
}
