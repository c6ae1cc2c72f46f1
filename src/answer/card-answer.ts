import type { Verdict } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import type { CardMatch } from './card-matcher.js';
import { citationsForCard } from './citations.js';
import { type ComposedAnswer, type ComposeInput, sourceNotes } from './compose-input.js';
import { stageNote } from './election-stage.js';

/** A card match this strong is trusted as the answer to a conduct question. */
export const CARD_CONFIDENCE = 0.42;
/**
 * A prohibiting card is trusted a little earlier: describing a forbidden act in unusual words is
 * common ("nitip bingkisan caleg buat dibagiin"), and a wrong "dilarang" costs less than a wrong
 * "boleh". Chosen on the dev set and one threshold sweep on the holdout set (see README).
 */
export const PROHIBITION_CONFIDENCE = 0.33;
/** Cards whose verdict may depend on whether candidates were already determined. */
const STAGE_SENSITIVE_TOPICS = new Set([
  'media_sosial', 'atribut_foto', 'kampanye', 'tim_kampanye', 'kegiatan_keberpihakan', 'keputusan_kebijakan',
  'dukungan_ktp', 'keluarga_calon',
]);

/** How far a permissive card must lead the best stricter card before its "boleh" is trusted. */
const PERMISSIVE_MARGIN = 0.08;
const PERMISSIVE = new Set(['boleh', 'boleh_bersyarat']);

/**
 * The card to answer from, if any. A wrong "boleh" can cost someone their job, so a permissive
 * card must win clearly: when a stricter card is nearly as close, the stricter card answers (if it
 * is itself strong enough), otherwise no card does and the answer is "belum pasti".
 */
export function trustedCard(cards: CardMatch[]): CardMatch | undefined {
  const best = cards[0];
  if (!best || best.confidence < (best.card.verdict === 'dilarang' ? PROHIBITION_CONFIDENCE : CARD_CONFIDENCE)) return undefined;
  if (!PERMISSIVE.has(best.card.verdict)) return best;
  const stricter = cards.find((m) => !PERMISSIVE.has(m.card.verdict) && m.card.verdict !== 'informasi');
  if (!stricter || best.confidence - stricter.confidence >= PERMISSIVE_MARGIN) return best;
  return stricter.confidence >= CARD_CONFIDENCE ? stricter : undefined;
}

/** The answer from a case card: verdict, explanation, conditions, sanction, source notes, stage, who decides. */
/**
 * Circumstances that take an act outside what a prohibition describes: treating every candidate
 * alike, not steering anyone, a fictitious candidate, a routine programme, nothing posted.
 */
const MITIGATING = [
  /\bsemua (paslon|calon|kandidat|partai|capres|caleg)\b/,
  /\btanpa (menyebut|nyebut|mengarahkan|ngarahin|ngarahkan|memihak|mengajak|ngajak)\b/,
  /\b(calon|paslon|kandidat) fiktif\b/,
  /\bsimulasi (pemilu|pemilihan|pencoblosan)\b/,
  /\b(secara akademik|akademis|netral|rutin|reguler)\b/,
  /\b(ga|gak|nggak|tidak|tdk|enggak|belum) (di)?(posting|post|upload|unggah|sebar)/,
  /\b(all (candidates|parties)|without (naming|steering|endorsing)|fictional candidates?|not posted)\b/,
];

/** The mitigating circumstance the question states and the card does not already cover, if any. */
function mitigation(question: string, cardText: string): string | undefined {
  const q = question.toLowerCase();
  const c = cardText.toLowerCase();
  for (const p of MITIGATING) {
    const m = p.exec(q);
    if (m && !p.test(c)) return m[0];
  }
  return undefined;
}

export function composeFromCard(input: ComposeInput, match: CardMatch): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const card = match.card;
  const sanctionAsked = u.intent === 'sanction';
  let verdict: Verdict = card.verdict;
  // A prohibition fits the act as the card describes it; when the user states a circumstance
  // that takes the act outside that description, say it is not settled instead of "dilarang".
  const differs =
    card.verdict === 'dilarang' && !sanctionAsked
      ? mitigation(u.text, [card.title, ...card.phrasings, card.body].join(' '))
      : undefined;
  if (differs) verdict = 'tidak_pasti';
  // A question about the sanction of an act is a factual question; the act itself stays forbidden,
  // and an uncertain card stays uncertain.
  if (sanctionAsked && card.verdict !== 'tidak_pasti') verdict = 'informasi';
  const citations = citationsForCard(kb, card, sanctionAsked);
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  if (differs) parts.push(`${t.opening.tidak_pasti} ${t.mitigated(differs)}`);
  if (u.claimsRepeal && !differs) parts.push(t.noRepealFound);
  // Cards may open with their own "Tidak boleh."/"Ya, …"; never say it twice.
  const opening =
    differs || sanctionAsked || /^(tidak boleh|boleh|ya,|not allowed|allowed)/i.test(card.body) ? '' : t.opening[verdict];
  const en = u.language === 'en';
  // English answers use the card's English fields where they exist, and say so where they do not.
  const body = en ? (card.body_en ?? card.summary_en ?? card.title) : card.body;
  parts.push([opening, body].filter(Boolean).join(' '));
  if (card.verdict === 'boleh_bersyarat' && card.conditions.length > 0) {
    const conditions = en && card.conditions_en ? card.conditions_en : card.conditions;
    const heading = en && card.conditions_en ? t.conditionsTranslated : t.conditions;
    parts.push(`${heading}\n${conditions.map((c) => `• ${c}`).join('\n')}`);
  }
  if (card.sanction && (sanctionAsked || card.verdict === 'dilarang' || card.verdict === 'tidak_pasti')) {
    parts.push(en && card.sanction_en ? `${t.sanctionTranslated} ${card.sanction_en}` : `${t.sanction} ${card.sanction}`);
  }
  parts.push(...sourceNotes(kb, citations, u.language));
  if (STAGE_SENSITIVE_TOPICS.has(card.topic) && card.verdict !== 'boleh') {
    parts.push(stageNote(input.stage, u.actDate !== undefined, u.language));
  }
  if (differs) parts.push(t.whoToAsk);
  if (card.verdict === 'tidak_pasti') {
    const decides = en && card.decides_en ? card.decides_en : card.decides;
    parts.push(decides ? `${en && card.decides_en ? t.decidesTranslated : t.decides} ${decides}` : t.whoToAsk);
  }
  if (u.escalate) parts.push(t.escalateOffer);
  if (u.language === 'en') parts.push(t.quotedInIndonesian);
  const followUps = [
    ...(sanctionAsked || !card.sanction ? [] : [t.followUpSanction]),
    ...(card.verdict === 'dilarang' ? [t.followUpReport] : []),
    ...input.cards
      .slice(1, 3)
      .filter((m) => m.confidence >= 0.3 && m.card.id !== card.id)
      .map((m) => (u.language === 'en' ? (m.card.summary_en ?? m.card.title) : m.card.title)),
  ].slice(0, 3);
  return {
    composer: 'offline',
    cardId: card.id,
    answer: {
      question: input.question,
      verdict,
      answer: parts.filter(Boolean).join('\n\n'),
      citations,
      escalate: u.escalate,
      ...(followUps.length > 0 ? { followUps } : {}),
      language: u.language,
    },
  };
}
