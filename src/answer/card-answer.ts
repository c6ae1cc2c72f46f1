import type { CaseCard, KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { BasisRef, CardException, Consequence, DecidingFact } from '../knowledge/schemas.js';
import type { CONSEQUENCE_STATUSES } from '../knowledge/schemas.js';
import type { Citation, Verdict } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import { citationsForBasis, citationsForCard } from './citations.js';
import { type ComposedAnswer, type ComposeInput, sourceNotes } from './compose-input.js';
import type { CardFit } from './decision/card-fit.js';
import { POLICY } from './decision/policy.js';
import { stageNote } from './election-stage.js';
import { reportChannelsText } from './report-answer.js';
import { readSituation } from './situation/read-situation.js';
import type { Situation } from './situation/situation.js';

type ConsequenceKey = (typeof CONSEQUENCE_STATUSES)[number];

/** Cards whose verdict may depend on whether candidates were already determined. */
const STAGE_SENSITIVE_TARGETS = new Set(['candidate', 'prospective_candidate', 'campaign_account']);

/** The statuses whose consequences the answer shows: those the question names for a sanction question, else the actor's. */
export function consequenceKeys(s: Situation): ConsequenceKey[] {
  const toKey = (status: string | undefined): ConsequenceKey | undefined =>
    status === 'pns' || status === 'pppk' || status === 'cpns' || status === 'non_asn_staff'
      ? status
      : status === 'regional_head'
        ? 'kepala_daerah'
        : status === 'village_head'
          ? 'kepala_desa'
          : undefined;
  const keys = new Set<ConsequenceKey>();
  const named = s.mentionedStatuses.map(toKey).filter((k) => k !== undefined);
  if (s.speech.act === 'sanction' && named.length > 1) for (const k of named) keys.add(k);
  const own = toKey(s.actor.status?.id);
  if (own) keys.add(own);
  // An unknown or generic "ASN": the PNS consequence, with a word on PPPK (whose discipline differs).
  if (keys.size === 0) keys.add('pns');
  if (s.actor.roles.some((r) => r.id === 'official')) keys.add('pejabat');
  return [...keys];
}

/** The consequences of a card for the situation, each with its basis; falls back on the card's `sanction`. */
function consequencesFor(card: CaseCard, s: Situation, en: boolean): { lines: string[]; basis: BasisRef[]; translated: boolean } {
  const t = TEXTS[en ? 'en' : 'id'];
  const keys = consequenceKeys(s);
  const lines: string[] = [];
  // Each consequence's own texts, interleaved, so the citations show every status's basis (and the criminal one).
  const perLine: BasisRef[][] = [];
  let translated = true;
  const add = (label: string, c: Consequence) => {
    lines.push(`${label}: ${en && c.text_en ? c.text_en : c.text}`);
    if (en && !c.text_en) translated = false;
    perLine.push(c.basis);
  };
  for (const k of keys) {
    const c = card.consequences[k];
    if (c) add(t.statusLabel[k], c);
  }
  const pidana = card.consequences.pidana;
  if (pidana) add(t.statusLabel.pidana, pidana);
  if (lines.length === 0 && card.sanction && !keys.some((k) => k !== 'pns' && k !== 'pejabat')) {
    lines.push(en && card.sanction_en ? card.sanction_en : card.sanction);
    if (en && !card.sanction_en) translated = false;
    perLine.push(card.sanction_basis);
  } else if (lines.length === 0 && keys.includes('pppk')) {
    lines.push(t.pppkFallback);
  }
  if (keys.length === 1 && keys[0] === 'pns' && !s.actor.status && card.consequences.pppk === undefined && lines.length > 0) lines.push(t.pppkNote);
  const basis: BasisRef[] = [];
  for (let i = 0; perLine.some((b) => i < b.length); i++) for (const b of perLine) if (b[i]) basis.push(b[i]!);
  return { lines, basis, translated: en && translated };
}

/** "Sanksi: …" on one line for one consequence, a list for several; in English, says when the text is the card's translation. */
function sanctionBlock(lines: string[], translated: boolean, t: (typeof TEXTS)['id']): string {
  const heading = translated ? t.sanctionTranslated : t.sanction;
  return lines.length === 1 ? `${heading} ${lines[0]}` : `${heading}\n${lines.map((l) => `• ${l}`).join('\n')}`;
}

/** Which option of a deciding fact stands for the exception's branch, read back through the situation reader. */
function optionFor(kb: KnowledgeBase, fact: DecidingFact, value: boolean, en: boolean): string | undefined {
  const options = en && fact.options_en ? fact.options_en : fact.options;
  const idOptions = fact.options;
  const i = idOptions.findIndex((o) => readSituation(o, kb).circumstances[fact.circumstance]?.value === value);
  return i >= 0 ? options[i] : undefined;
}

/** The card's body text in the answer's language. */
function bodyOf(card: CaseCard, en: boolean): string {
  return en ? (card.body_en ?? card.summary_en ?? card.title) : card.body;
}

function explainOf(e: CardException, en: boolean): string {
  return en && e.explain_en ? e.explain_en : e.explain;
}

/** The card that speaks to a superior's order (its situation requires ordered_by_superior). */
function superiorOrderCard(kb: KnowledgeBase): CaseCard | undefined {
  return kb.cards.find((c) => c.situation?.requires?.circumstances?.ordered_by_superior === true);
}

/** The answer from a card decision: verdict, explanation or both branches, conditions, consequences for the asker's status, notes. */
export function composeCardDecision(
  input: ComposeInput,
  fit: CardFit,
  verdict: Verdict,
  via: 'rule' | 'exception' | 'branches',
  deciding?: DecidingFact,
): ComposedAnswer {
  const { situation: s, kb, understanding: u } = input;
  const en = u.language === 'en';
  const t = TEXTS[u.language];
  const card = fit.card;
  const exception = via === 'exception' ? fit.exception : undefined;
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  if (s.evasion) parts.push(t.noEvasion);
  if (u.claimsRepeal && (verdict === 'dilarang' || card.verdict === 'dilarang')) parts.push(t.noRepealFound);

  const opening = t.opening[verdict];
  let body: string;
  let conditions: string[] = [];
  let basis: BasisRef[] = card.basis;
  if (exception) {
    body = explainOf(exception, en);
    conditions = en && exception.conditions_en ? exception.conditions_en : exception.conditions;
    if (exception.basis.length > 0) basis = exception.basis;
  } else if (via === 'branches' && deciding) {
    const branch = card.exceptions.find((e) => e.when.circumstances && deciding.circumstance in e.when.circumstances)!;
    const value = branch.when.circumstances![deciding.circumstance]!;
    const ifBranch = optionFor(kb, deciding, value, en) ?? (en ? 'In the other case' : 'Dalam keadaan sebaliknya');
    const ifRule = optionFor(kb, deciding, !value, en) ?? (en ? 'Otherwise' : 'Jika tidak');
    body = [
      // The verdict first, then what it depends on: "Tidak boleh. Jawabannya bergantung pada …".
      `${opening} ${t.dependsOn(en && deciding.ask_en ? deciding.ask_en : deciding.ask)}`.trim(),
      `• ${ifBranch}: ${t.opening[branch.verdict]} ${explainOf(branch, en)}`.trim(),
      `• ${ifRule}: ${bodyOf(card, en)}`,
    ].join('\n');
    const branchConditions = en && branch.conditions_en ? branch.conditions_en : branch.conditions;
    conditions = verdict === 'boleh_bersyarat' ? (branchConditions.length > 0 ? branchConditions : [ifBranch]) : [];
    basis = [...card.basis, ...branch.basis];
  } else {
    body = bodyOf(card, en);
    conditions = en && card.conditions_en ? card.conditions_en : card.conditions;
  }
  // Cards may open with their own "Tidak boleh."/"Ya, …"; never say it twice.
  const opens = /^(tidak boleh|boleh|ya,|not allowed|allowed|yes,)/i.test(body);
  parts.push([opens || via === 'branches' ? '' : opening, body].filter(Boolean).join(' '));
  if (verdict === 'boleh_bersyarat' && conditions.length > 0) {
    parts.push(`${t.conditions}\n${conditions.map((c) => `• ${c}`).join('\n')}`);
  }

  const consequences =
    verdict === 'dilarang' || verdict === 'tidak_pasti' || via === 'branches' ? consequencesFor(card, s, en) : { lines: [], basis: [], translated: false };
  if (consequences.lines.length > 0) parts.push(sanctionBlock(consequences.lines, consequences.translated, t));

  const superior = s.circumstances.ordered_by_superior?.value === true ? superiorOrderCard(kb) : undefined;
  if (superior && superior.id !== card.id) parts.push(`${t.superiorOrder} ${bodyOf(superior, en)}`);

  // For a PPPK, CPNS or non-ASN staff member, the text that binds them leads the citations.
  const own = consequenceKeys(s).find((k) => k !== 'pns' && card.consequences[k] !== undefined);
  const ownBasis = own ? (card.consequences[own]?.basis ?? []) : [];
  let citations: Citation[] = citationsForBasis(kb, [...ownBasis.slice(0, 2), ...basis, ...consequences.basis.slice(0, 1)], 4);
  if (citations.length === 0) citations = citationsForCard(kb, card, false);
  if (superior && superior.id !== card.id) citations = [...citations.slice(0, 3), ...citationsForBasis(kb, superior.basis, 1)];
  parts.push(...sourceNotes(kb, citations, u.language));

  const aboutCandidates = (card.situation?.targets ?? []).some((x) => STAGE_SENSITIVE_TARGETS.has(x));
  if (aboutCandidates && verdict !== 'boleh') parts.push(stageNote(input.stage, u.actDate !== undefined, u.language));
  if (verdict === 'tidak_pasti') {
    parts.push(decidesLine(card, en, t) ?? t.whoToAsk);
  }
  if (u.escalate) parts.push(s.incident || superior ? reportChannelsText(input) : t.escalateOffer);
  if (en) parts.push(t.quotedInIndonesian);

  const options = deciding ? (en && deciding.options_en ? deciding.options_en : deciding.options) : [];
  const related = input.fits
    .filter((f) => f.card.id !== card.id && f.similarity >= POLICY.relatedCard && f.outside === undefined)
    .slice(0, 2)
    // Suggested follow-ups are questions the user can send: the card's own first question. Cards
    // have no English questions, so an English answer suggests none rather than a summary.
    .flatMap((f) => (en ? [] : f.card.phrasings.filter((p) => p.trim().endsWith('?')).slice(0, 1)));
  const followUps = [
    ...options,
    ...(card.sanction || Object.keys(card.consequences).length > 0 ? [t.followUpSanction] : []),
    ...(verdict === 'dilarang' ? [t.followUpReport] : []),
    ...related,
  ].slice(0, 4);
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

/** "Apa sanksinya?" for an act: its consequences for the statuses asked about, as information. */
export function composeSanctionDecision(input: ComposeInput, fit: CardFit): ComposedAnswer {
  const { situation: s, kb, understanding: u } = input;
  const en = u.language === 'en';
  const t = TEXTS[u.language];
  const card = fit.card;
  const { lines, basis, translated } = consequencesFor(card, s, en);
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  parts.push(en ? `About: ${withStop(card.summary_en ?? card.title)}` : `Tentang: ${withStop(card.title)}`);
  // A card that allows the act (and no exception of it prohibits it here) has no sanction to list:
  // say so first, rather than repeat the permission as if it were one.
  const verdict = fit.exception?.verdict ?? card.verdict;
  const permitted = verdict === 'boleh' || verdict === 'boleh_bersyarat';
  if (permitted) parts.push(t.noSanctionForPermitted(verdict === 'boleh_bersyarat'));
  if (lines.length > 0 && !permitted) parts.push(sanctionBlock(lines, translated, t));
  else parts.push(bodyOf(card, en));
  const citations = citationsForBasis(kb, [...basis, ...card.sanction_basis, ...card.basis], 4);
  parts.push(...sourceNotes(kb, citations, u.language));
  const decides = decidesLine(card, en, t);
  if (decides) parts.push(decides);
  if (u.escalate) parts.push(s.incident ? reportChannelsText(input) : t.escalateOffer);
  if (en) parts.push(t.quotedInIndonesian);
  return {
    composer: 'offline',
    cardId: card.id,
    answer: {
      question: input.question,
      verdict: 'informasi',
      answer: parts.join('\n\n'),
      citations: citations.length > 0 ? citations : citationsForCard(kb, card, true),
      escalate: u.escalate,
      followUps: [t.followUpReport],
      language: u.language,
    },
  };
}

/** "Who decides:" and the card's text for it; marked "(in Indonesian)" only when no English text exists. */
function decidesLine(card: CaseCard, en: boolean, t: (typeof TEXTS)[keyof typeof TEXTS]): string | undefined {
  if (en && card.decides_en) return `${t.decidesTranslated} ${card.decides_en}`;
  return card.decides ? `${t.decides} ${card.decides}` : undefined;
}

/** Ends a sentence with a period unless it already ends in one (a summary that is a sentence). */
function withStop(text: string): string {
  const trimmed = text.trim();
  return /[.?!]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
