import type { CaseCard } from '../../knowledge/knowledge-base.js';
import type { CardException } from '../../knowledge/schemas.js';
import type { CardMatch } from '../card-matcher.js';
import type { Situation } from '../situation/situation.js';
import { conditionHolds, exceptionHolds, statusIn } from './condition.js';
import { POLICY } from './policy.js';

const PERMISSIVE = new Set(['boleh', 'boleh_bersyarat']);

/** How a case card fits the situation read from a question. */
export interface CardFit {
  card: CaseCard;
  /** 0–1+: the act score plus a share of the wording similarity. */
  score: number;
  /** The question's acts the card covers (most specific first). */
  acts: string[];
  /** Wording similarity of the question and the card's phrasings (0–1). */
  similarity: number;
  /** The first exception whose condition the question states. */
  exception?: CardException;
  /**
   * Why the card's own rule does not reach the situation although it is about the act: the actor
   * is not bound by it, or the target is not one it concerns. The card then only decides through
   * an exception.
   */
  outside?: 'actor' | 'target' | 'requires';
  /** The question names a target the card is about (always true for a card about no particular target). */
  targetNamed: boolean;
}

/** Circumstances that change who the actor is (no longer bound as ASN). */
const ACTOR_CIRCUMSTANCES = new Set(['resigned', 'retired_effective', 'contract_ended']);

function aboutActor(e: CardException): boolean {
  return e.when.actors !== undefined || Object.keys(e.when.circumstances ?? {}).some((c) => ACTOR_CIRCUMSTANCES.has(c));
}

/** The statuses a card binds: its declared actors, else its `applies_to` read as statuses. */
export function cardActors(card: CaseCard): string[] {
  if (card.situation && card.situation.actors.length > 0) return card.situation.actors;
  return card.applies_to.flatMap((a) => {
    const s = a.toLowerCase();
    if (/^pns\b/.test(s)) return ['pns'];
    if (/^pppk/.test(s)) return ['pppk'];
    if (/^cpns/.test(s)) return ['cpns'];
    if (/kepala daerah|petahana/.test(s)) return ['regional_head'];
    if (/pensiun/.test(s)) return ['retired'];
    if (/honorer|non.?asn/.test(s)) return ['non_asn_staff'];
    return [];
  });
}

/**
 * Scores every card against the situation. A card fits through its acts: it must cover at least
 * one act the question asks about; the actor must be one its rule binds and the target one it
 * concerns, unless an exception the question states takes the case elsewhere. Cards without a
 * declared situation (or questions without a known act) fall back on wording similarity.
 */
export function fitCards(cards: CaseCard[], situation: Situation, similar: CardMatch[]): CardFit[] {
  const similarity = new Map(similar.map((m) => [m.card.id, m.confidence] as const));
  const actIds = situation.acts.map((a) => a.id);
  // A target no card's rule about these acts concerns ("rakor BKN" when asking about attending a
  // campaign) says where the story happened, not whom the act is for: a prohibiting card is not
  // kept out by it. (Permissive cards still need every target to be theirs.)
  const relevantTargets = situation.targets
    .map((t) => t.id)
    .filter((t) => cards.some((c) => c.situation?.targets.includes(t) && c.situation.acts.some((a) => actIds.includes(a))));
  const fits: CardFit[] = [];
  for (const card of cards) {
    const sim = similarity.get(card.id) ?? 0;
    const declared = card.situation;
    const covered = declared ? actIds.filter((a) => declared.acts.includes(a)) : [];
    // Each covered act counts by its place in the question (most specific first); covering more of
    // what the question describes fits better ("aula kecamatan gratis untuk satu partai": facility + favour).
    let actScore = 0;
    for (const a of covered) {
      const w = POLICY.fit.actWeights;
      actScore += w[Math.min(actIds.indexOf(a), w.length - 1)]!;
    }
    actScore = Math.min(actScore, POLICY.fit.actScoreCap);
    // A card that only states a sanction or a procedure does not answer "boleh?" about an act.
    // (Only a sanction or overview question is answered by such a card.)
    if (situation.speech.act !== 'sanction' && situation.speech.act !== 'overview' && card.verdict === 'informasi') {
      actScore *= POLICY.fit.informationCardOnConduct;
    }
    if (actScore === 0 && sim < POLICY.fit.similarityOnly) continue;
    const permissive = PERMISSIVE.has(card.verdict);
    const holding = card.exceptions.filter((e) => exceptionHolds(e, situation));
    let outside: CardFit['outside'];
    if (declared) {
      const status = situation.actor.status?.id;
      const targets = situation.targets.map((t) => t.id);
      const wanted = declared.targets;
      const targetOk =
        wanted.length === 0 ||
        targets.length === 0 ||
        (permissive ? targets.every((t) => wanted.includes(t)) : relevantTargets.length === 0 || relevantTargets.some((t) => wanted.includes(t)));
      if (!statusIn(status, cardActors(card))) outside = 'actor';
      else if (!targetOk) outside = 'target';
      else if (declared.requires && !conditionHolds(declared.requires, situation, permissive)) outside = 'requires';
    }
    // A card's exceptions speak within its rule: for an actor the rule does not bind, only an
    // exception about who acts (a retiree, someone who resigned) applies; for another target, only
    // one about targets.
    const exception = holding.find((e) => outside === undefined || (outside === 'actor' && aboutActor(e)) || (outside === 'target' && e.when.targets !== undefined));
    // Between cards covering the same act, the one about fewer acts is the more specific rule, and
    // a card written for exactly the actor's status (PPPK, CPNS, non-ASN staff, retirees) more so.
    const status = situation.actor.status?.id;
    const forStatus = covered.length > 0 && status !== undefined && cardActors(card).length === 1 && cardActors(card)[0] === status;
    const specificity =
      (declared && covered.length > 0 ? POLICY.fit.specificityShare / declared.acts.length : 0) +
      (forStatus ? POLICY.fit.statusCardBonus : 0) +
      (declared?.requires && card.verdict === 'dilarang' && covered.length > 0 && outside === undefined ? POLICY.fit.requiresBonus : 0);
    const score = actScore + POLICY.fit.similarityShare * sim + specificity;
    const targetNamed = !declared || declared.targets.length === 0 || situation.targets.some((t) => declared.targets.includes(t.id));
    fits.push({ card, score, acts: covered, similarity: sim, exception, outside, targetNamed });
  }
  return fits.sort((a, b) => b.score - a.score);
}
