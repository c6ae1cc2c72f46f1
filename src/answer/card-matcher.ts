import type { CaseCard, KnowledgeBase } from '../knowledge/knowledge-base.js';
import { weightedQueryTerms } from '../retrieval/indonesian-analyzer.js';
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
  /** Each phrasing's stems with their weight (slang expansions count less than the words written). */
  phrasings: Map<string, number>[];
  /** The same, each weight already multiplied by the term's idf, with the squared norm (computed once per knowledge base). */
  weighted: { terms: Map<string, number>; norm: number }[];
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
      phrasings: [card.title, ...card.phrasings].map((t) => weightedQueryTerms(t)),
    }));
    const df = new Map<string, number>();
    for (const c of cards) for (const t of new Set(c.phrasings.flatMap((s) => [...s.keys()]))) df.set(t, (df.get(t) ?? 0) + 1);
    const n = Math.max(cards.length, 1);
    const idf = new Map([...df].map(([t, d]) => [t, Math.log(1 + n / d)] as const));
    const withIdf = cards.map((c) => ({ ...c, weighted: c.phrasings.map((ph) => weighTerms(ph, (t) => idf.get(t)!)) }));
    p = { cards: withIdf, idf, defaultIdf: Math.log(1 + n) };
    cache.set(kb, p);
  }
  return p;
}

/**
 * How well a question `q` matches a phrasing `p`: the weighted share of the phrasing found in the
 * question, and of the question found in the phrasing, combined with more weight on the first —
 * a long, rambling question that contains the whole of a phrasing is a match, while a phrasing
 * that shares only a word or two with the question is not.
 */
function phrasingMatch(q: WeightedTerms, p: WeightedTerms): number {
  if (q.terms.size === 0 || p.terms.size === 0) return 0;
  // Weights are term weight × idf on both sides (idf > 0), so min(w·a, w·b) = w·min(a, b).
  const [small, large] = q.terms.size <= p.terms.size ? [q.terms, p.terms] : [p.terms, q.terms];
  let shared = 0;
  for (const [t, a] of small) {
    const b = large.get(t);
    if (b !== undefined) shared += Math.min(a, b) ** 2;
  }
  if (shared === 0) return 0;
  return (shared / p.norm) ** 0.65 * (shared / q.norm) ** 0.35;
}

interface WeightedTerms {
  terms: Map<string, number>;
  /** Sum of the squared weights. */
  norm: number;
}

function weighTerms(terms: Map<string, number>, w: (t: string) => number): WeightedTerms {
  const out = new Map<string, number>();
  let norm = 0;
  for (const [t, x] of terms) {
    const v = w(t) * x;
    out.set(t, v);
    norm += v * v;
  }
  return { terms: out, norm };
}

/**
 * Evidence from the law itself: when retrieval ranks high a passage that a card cites as its
 * basis (or a part of it), the card is better supported. Small and capped, so it breaks ties
 * and lifts a card the user described in unusual words, but never outweighs the wording.
 */
function basisSupport(card: CaseCard, passages: ScoredChunk[]): number {
  let support = 0;
  passages.slice(0, 8).forEach((h, rank) => {
    if (h.chunk.kind !== 'regulation') return;
    const cited = card.basis.some(
      (b) => b.doc === h.chunk.docId && (h.chunk.ref === b.ref || h.chunk.ref.startsWith(`${b.ref} `) || b.ref.startsWith(`${h.chunk.ref} `)),
    );
    if (cited) support += 0.05 / (1 + rank / 2);
  });
  return Math.min(support, 0.1);
}

const ASN_AUDIENCE = /^(pns|pppk|cpns|asn|honorer)/i;
const REGIONAL_HEAD_WORDS = /\b(kepala daerah|gubernur|wagub|bupati|wabup|wali ?kota|walkot|wawali|petahana|incumbent|pj|penjabat|regional head|governor|regent|mayor)\b/i;

/**
 * Netra's users are civil servants: a card written for someone else (an incumbent regional head)
 * fits only when the question is about that person. "Katanya kalau sudah cuti boleh kampanye?"
 * must not be answered with the rule on an incumbent's campaign leave.
 */
function audienceFit(card: CaseCard, question: string): number {
  const forAsn = card.applies_to.some((a) => ASN_AUDIENCE.test(a));
  if (!forAsn) return REGIONAL_HEAD_WORDS.test(question) ? 1 : 0.7;
  // A PPPK or CPNS asking is best served by the card written for them (PP 49/2018, PP 94/2021 Pasal 43).
  for (const [group, words] of GROUP_WORDS) {
    if (!words.test(question)) continue;
    const only = card.applies_to.length === 1 && card.applies_to[0]!.toUpperCase() === group;
    if (only) return 1.1;
    if (!card.applies_to.some((a) => a.toUpperCase() === group)) return 0.85;
  }
  return 1;
}

const GROUP_WORDS: [string, RegExp][] = [
  ['PPPK', /\b(pppk|p3k)\b/i],
  ['CPNS', /\b(cpns|calon pns|calon pegawai negeri sipil)\b/i],
];

/**
 * Ranks the case cards for a question by combining how close it is to the ways people ask
 * about each card (its phrasings) with where hybrid retrieval placed the card.
 */
export function matchCards(
  question: string,
  hits: ScoredChunk[],
  kb: KnowledgeBase,
  passages: ScoredChunk[] = [],
): CardMatch[] {
  const q = weightedQueryTerms(question);
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
  const qw = weighTerms(q, weight);
  for (const { card, weighted } of cards) {
    const phrasingScore = Math.max(...weighted.map((p) => phrasingMatch(qw, p)));
    const r = retrieved.get(card.id);
    const support = basisSupport(card, passages);
    if (!r && phrasingScore < 0.2 && support === 0) continue;
    const rankBonus = r ? 0.15 / (1 + r.rank / 3) : 0;
    const vectorScore = r?.vectorScore ?? 0;
    const audience = audienceFit(card, question);
    const confidence = Math.min(1, (0.6 * phrasingScore + 0.35 * vectorScore + rankBonus + support) * audience);
    matches.push({ card, confidence, phrasingScore, vectorScore, rank: r?.rank });
  }
  return matches.sort((a, b) => b.confidence - a.confidence);
}
