import type { Verdict } from '../answer-contract.js';
import type { CardMatch } from '../card-matcher.js';
import { type CardFit, cardActors } from './card-fit.js';
import type { Decision, DecisionContext } from './decision.js';
import { POLICY } from './policy.js';

/** One named rule of the decision table. */
export interface Rule {
  name: string;
  /** What the rule is for, in a sentence (shown by `npm run rules`, kept beside the code it explains). */
  why: string;
  decide(ctx: DecisionContext): Decision | undefined;
}

const PERMISSIVE = new Set<Verdict>(['boleh', 'boleh_bersyarat']);
/** Statuses the civil-service rules do not bind: a relative who is not ASN, a retiree, a former ASN. */
const NOT_BOUND = new Set(['not_asn', 'retired', 'former_asn']);
const plain = (rule: string, message: Extract<Decision, { kind: 'plain' }>['message'], verdict: Verdict = 'di_luar_topik'): Decision => ({
  rule,
  kind: 'plain',
  verdict,
  message,
});

/**
 * The card that decides: the best-fitting card whose rule reaches the situation, or one whose
 * exception the question states. A card about the act whose rule does not bind this actor (a
 * retiree, a non-ASN spouse) or concern this target (an official KPU post) is passed over.
 */
export function decidingFit(ctx: DecisionContext): CardFit | undefined {
  const usable = (f: CardFit) => (f.exception !== undefined || f.outside === undefined) && (f.acts.length > 0 ? f.score >= POLICY.fit.minimum : true);
  const best = ctx.fits.find(usable);
  if (!best || best.acts.length === 0 || best.exception) return best;
  // A card that would leave the answer open (its own verdict is "belum pasti", or it must ask back
  // for a fact the question does not give) is no more final than a permissive one.
  const open =
    best.card.verdict === 'tidak_pasti' || best.card.deciding.some((d) => ctx.situation.circumstances[d.circumstance] === undefined);
  if (!PERMISSIVE.has(best.card.verdict) && !open) return best;
  // Another act the question describes that a prohibiting card covers, fitting nearly as well, decides.
  const stricter = ctx.fits.find(
    (f) =>
      usable(f) &&
      !f.exception &&
      f.card.verdict === 'dilarang' &&
      // Only a rule the question is known to meet: "nulis artikel jurnal" names no candidate, so a
      // card about posting a candidate's material does not overrule the card about writing.
      f.targetNamed &&
      f.acts.some((a) => !best.acts.includes(a)) &&
      f.score >= best.score - POLICY.fit.permissiveMargin,
  );
  return stricter ?? best;
}

/** The card trusted on wording alone, with the pre-situation safety margins (see POLICY.similarity). */
export function similarCard(similar: CardMatch[]): CardMatch | undefined {
  const best = similar[0];
  if (!best) return undefined;
  const p = POLICY.similarity;
  if (best.confidence < (best.card.verdict === 'dilarang' ? p.prohibiting : p.other)) return undefined;
  if (!PERMISSIVE.has(best.card.verdict)) return best;
  const stricter = similar.find((m) => !PERMISSIVE.has(m.card.verdict) && m.card.verdict !== 'informasi');
  if (!stricter || best.confidence - stricter.confidence >= p.permissiveMargin) return best;
  return stricter.confidence >= p.other ? stricter : undefined;
}

/** The best regulation passage when retrieval agrees on it (top lexical and close in the vector space). */
export function strongPassageHit(ctx: DecisionContext) {
  const top = ctx.hits.find((h) => h.chunk.kind === 'regulation');
  if (!top) return undefined;
  const p = POLICY.passage;
  const lexicalTop = top.lexicalRank !== undefined && top.lexicalRank <= p.lexicalRank;
  const v = top.vectorScore ?? 0;
  return (lexicalTop && v >= p.vectorWithLexical) || v >= p.vectorAlone ? top : undefined;
}

/** The decision a card gives for the situation: an exception the question states, both branches when a deciding fact is missing, or its own verdict. */
function fromCard(rule: string, fit: CardFit, ctx: DecisionContext): Decision {
  if (fit.exception) return { rule: `${rule}:exception`, kind: 'card', fit, verdict: fit.exception.verdict, via: 'exception' };
  const missing = fit.card.deciding.find((d) => ctx.situation.circumstances[d.circumstance] === undefined);
  if (missing) {
    const branch = fit.card.exceptions.find((e) => e.when.circumstances && missing.circumstance in e.when.circumstances);
    // Both branches are shown; the verdict is the card's own unless the other branch allows the
    // act, in which case the act is allowed only under the branch's conditions.
    const verdict: Verdict =
      branch && PERMISSIVE.has(branch.verdict) && (fit.card.verdict === 'dilarang' || fit.card.verdict === 'tidak_pasti') ? 'boleh_bersyarat' : fit.card.verdict;
    return { rule: `${rule}:ask-back`, kind: 'card', fit, verdict, via: 'branches', deciding: missing };
  }
  return { rule, kind: 'card', fit, verdict: fit.card.verdict, via: 'rule' };
}

/**
 * The decision table: the first rule that decides wins. Its name is logged with every answer
 * (`rule` in the answer log) so a wrong answer can be traced to the rule that gave it.
 */
export const RULES: Rule[] = [
  { name: 'empty', why: 'An empty message gets a prompt to ask.', decide: (c) => (c.situation.speech.act === 'empty' ? plain('empty', 'empty') : undefined) },
  { name: 'greeting', why: 'A greeting alone gets a greeting and an example.', decide: (c) => (c.situation.speech.act === 'greeting' ? plain('greeting', 'greeting') : undefined) },
  { name: 'thanks', why: 'Thanks and chatter get one short line.', decide: (c) => (c.situation.speech.act === 'thanks' ? plain('thanks', 'thanks') : undefined) },
  {
    name: 'no-recommendation',
    why: 'Netra never recommends a party or a candidate.',
    decide: (c) => (c.situation.speech.act === 'recommendation' ? plain('no-recommendation', 'recommendation') : undefined),
  },
  {
    name: 'article-text',
    why: 'A question for the words of an article is answered with the article as the corpus holds it, or with "not held".',
    decide: (c) => {
      if (!c.article) return undefined;
      const namesLaw = c.article.named.length > 0 || c.article.found.length === 1;
      if (c.situation.speech.act === 'article_text' || (namesLaw && c.situation.speech.act !== 'conduct' && c.situation.acts.length === 0)) {
        return { rule: 'article-text', kind: 'article', article: c.article };
      }
      return undefined;
    },
  },
  {
    name: 'off-topic',
    why: 'Pay, leave, careers and other topics are outside Netra; civil-service words alone need the evidence to confirm the topic.',
    decide: (c) => {
      const s = c.situation;
      if (s.speech.act === 'off_topic') return plain('off-topic', 'off_topic');
      if (s.topic === 'none' && s.acts.length === 0 && !decidingFit(c) && c.newsTerms === 0) return plain('off-topic', 'off_topic');
      // Civil-service words alone ("Korpri", "ASN", "sanksi") are in scope only when the evidence confirms it.
      // Wording alone ("di luar jam kerja") does not bring a question without an act or a target into scope.
      if (s.topic === 'weak' && !s.targets.length && !c.fits.some((f) => f.acts.length > 0 && !f.outside) && ((s.speech.act === 'conduct' && s.acts.length === 0) || !similarCard(c.similar)) && !strongPassageHit(c) && c.newsTerms === 0) {
        return plain('off-topic', 'off_topic');
      }
      return undefined;
    },
  },
  { name: 'today', why: 'Dates, stages and what is in force today come from the calendar and the current-state facts.', decide: (c) => (c.situation.speech.act === 'date_stage' ? { rule: 'today', kind: 'today' } : undefined) },
  {
    name: 'news',
    why: 'What an official or an article said is answered from the news, said to be news.',
    decide: (c) => {
      const s = c.situation;
      if (s.speech.act === 'official_said') return { rule: 'news', kind: 'news' };
      if (c.newsTerms > 0 && s.acts.length === 0 && !s.asksPermission && s.speech.act === 'conduct') return { rule: 'news', kind: 'news' };
      return undefined;
    },
  },
  {
    name: 'incident-to-report',
    why: 'Someone describes what an official did and asks where to report it: the verdict on that act first, then the channels for today\'s stage.',
    decide: (c) => {
      if (c.situation.speech.act !== 'report_how' || !c.situation.incident) return undefined;
      const fit = decidingFit(c);
      return fit && fit.acts.length > 0 && fit.card.verdict === 'dilarang' && !fit.exception ? fromCard('incident-to-report', fit, c) : undefined;
    },
  },
  {
    name: 'report-channels',
    why: 'How and where to report: the official channels for today\'s stage, with the rule on the act when the user describes one.',
    decide: (c) => (c.situation.speech.act === 'report_how' ? { rule: 'report-channels', kind: 'report', fit: decidingFit(c) } : undefined),
  },
  {
    name: 'sanction',
    why: 'The consequence of an act, for the status of whoever does it (PNS, PPPK, CPNS, non-ASN staff), is information, also when the user tells of someone who did it (the answer names the act and its consequences; whether to report it is the report rule\'s).',
    decide: (c) => {
      if (c.situation.speech.act !== 'sanction') return undefined;
      const previous = c.previousCardId ? c.fits.find((f) => f.card.id === c.previousCardId && f.acts.length > 0) : undefined;
      return { rule: 'sanction', kind: 'sanction', fit: previous ?? decidingFit(c) };
    },
  },
  {
    name: 'overview',
    why: 'A request for the rules in general gets the list of prohibited forms of support.',
    decide: (c) => {
      if (c.situation.speech.act !== 'overview') return undefined;
      // The overview card is the one whose topic is "ikhtisar" (knowledge/cases).
      const card = c.kb.cards.find((k) => k.topic === 'ikhtisar');
      const fit = card ? (c.fits.find((f) => f.card.id === card.id) ?? { card, score: 0, acts: [], similarity: 0, targetNamed: false }) : undefined;
      return { rule: 'overview', kind: 'overview', fit };
    },
  },
  {
    name: 'not-bound',
    why: 'The act is one the rules forbid civil servants, but whoever does it is not one (a non-ASN relative, a retiree, a former ASN): the card written for that person decides.',
    decide: (c) => {
      const status = c.situation.actor.status?.id;
      if (!status || !NOT_BOUND.has(status) || !c.fits.some((f) => f.acts.length > 0 && f.outside === 'actor')) return undefined;
      // A card that fits and was written for this status decides through the 'card' rule.
      const fitted = decidingFit(c);
      if (fitted && fitted.acts.length > 0 && cardActors(fitted.card).includes(status)) return undefined;
      const sim = new Map(c.similar.map((m) => [m.card.id, m.confidence] as const));
      const card = c.kb.cards
        .filter((k) => cardActors(k).includes(status))
        .sort((a, b) => (sim.get(b.id) ?? 0) - (sim.get(a.id) ?? 0))[0];
      if (!card) return undefined;
      const fit = c.fits.find((f) => f.card.id === card.id) ?? { card, score: sim.get(card.id) ?? 0, acts: [], similarity: sim.get(card.id) ?? 0, targetNamed: false };
      return fromCard('not-bound', fit, c);
    },
  },
  {
    name: 'card',
    why: 'The card whose situation fits decides: an exception the question states, both branches when a deciding fact is missing, else its own verdict.',
    decide: (c) => {
      const fit = decidingFit(c);
      return fit && fit.acts.length > 0 ? fromCard('card', fit, c) : undefined;
    },
  },
  {
    name: 'similar-card',
    why: 'No card covers the acts read: a card is trusted on wording alone, with a wider margin for permissive cards.',
    decide: (c) => {
      const match = similarCard(c.similar);
      if (!match) return undefined;
      const fit = c.fits.find((f) => f.card.id === match.card.id) ?? { card: match.card, score: match.confidence, acts: [], similarity: match.confidence, targetNamed: false };
      // A card whose rule does not reach this actor or target cannot decide on wording alone.
      if (fit.outside && !fit.exception) return undefined;
      return fromCard('similar-card', fit, c);
    },
  },
  {
    name: 'passages',
    why: 'No card decides: a factual question gets the strongest passages; anything else is "belum pasti", with who decides.',
    decide: (c) => {
      const factual = c.situation.speech.act !== 'conduct' || !c.situation.asksPermission;
      return { rule: 'passages', kind: 'passages', verdict: factual && strongPassageHit(c) ? 'informasi' : 'tidak_pasti' };
    },
  },
];

/** Runs the table. The last rule always decides. */
export function decide(ctx: DecisionContext): Decision {
  for (const rule of RULES) {
    const d = rule.decide(ctx);
    if (d) return d;
  }
  throw new Error('the decision table has no rule that always decides');
}
