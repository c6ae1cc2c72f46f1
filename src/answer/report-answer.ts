import { findNode } from '../knowledge/passages.js';
import type { Citation } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import { citationFor } from './citations.js';
import type { ComposedAnswer, ComposeInput } from './compose-input.js';
import type { CardFit } from './decision/card-fit.js';

/** The texts on what a report must contain and its deadline (Pemilu, Pilkada). */
const REPORT_BASIS = [
  ['uu-7-2017', 'Pasal 454 ayat (4)'],
  ['uu-7-2017', 'Pasal 454 ayat (6)'],
  ['uu-8-2015', 'Pasal 134 ayat (2)'],
  ['uu-8-2015', 'Pasal 134 ayat (4)'],
] as const;

export function reportCitations(input: ComposeInput): Citation[] {
  const out: Citation[] = [];
  for (const [docId, ref] of REPORT_BASIS) {
    const doc = input.kb.documents.find((d) => d.id === docId);
    const node = doc ? findNode(doc, ref) : undefined;
    if (doc && node) out.push(citationFor(doc, node));
  }
  return out;
}

/**
 * Where to report today: while an election stage runs, Bawaslu first (its deadline counts from
 * when the violation became known); outside the stages — today, 2026-12-01 — BKN's SBT, then
 * SP4N-LAPOR!, then the agency's inspectorate. The reporting flow routes the same way.
 */
export function reportChannelsText(input: ComposeInput): string {
  const t = TEXTS[input.understanding.language];
  const stage = input.stage;
  const running = stage.election && stage.stageName ? `${stage.election.name}, ${stage.stageName.toLowerCase()}` : undefined;
  const channels = running ? t.channelsDuringStage(running) : t.channelsOutsideStages;
  const pilkadaCrime = running && /pilkada/i.test(stage.election?.name ?? '') ? [t.criminalPilkada] : [];
  return [t.reportIntro, ...[...channels, ...pilkadaCrime].map((c, i) => `${i + 1}. ${c}`), t.reportOffer].join('\n');
}

/**
 * "Bagaimana cara melaporkan …": the official channels for today's stage and what a report needs.
 * When the user describes an act a card prohibits, its rule is said first.
 */
export function composeReport(input: ComposeInput, fit: CardFit | undefined): ComposedAnswer {
  const { understanding: u } = input;
  const en = u.language === 'en';
  const citations = reportCitations(input);
  const parts: string[] = [];
  const card = fit?.card;
  if (card && card.verdict === 'dilarang' && u.incident) {
    parts.push(en ? `${card.summary_en ?? card.title}: not allowed.` : `${card.title}: dilarang.`);
  }
  parts.push(reportChannelsText(input));
  return {
    composer: 'offline',
    cardId: card?.id,
    answer: {
      question: input.question,
      verdict: 'informasi',
      answer: parts.join('\n\n'),
      citations,
      escalate: true,
      language: u.language,
    },
  };
}
