import { findNode } from '../knowledge/passages.js';
import type { Citation } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import { composeFromCard } from './card-answer.js';
import type { CardMatch } from './card-matcher.js';
import { citationFor } from './citations.js';
import type { ComposedAnswer, ComposeInput } from './compose-input.js';

/** "Bagaimana cara melaporkan…": the official channels, what a report needs, and the offer to prepare one. */
export function composeReport(input: ComposeInput, card: CardMatch | undefined): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const reportCitations: Citation[] = [];
  for (const [docId, ref] of [
    ['uu-7-2017', 'Pasal 454 ayat (4)'],
    ['uu-7-2017', 'Pasal 454 ayat (6)'],
    ['uu-8-2015', 'Pasal 134 ayat (3)'],
    ['uu-8-2015', 'Pasal 134 ayat (4)'],
  ] as const) {
    const doc = kb.documents.find((d) => d.id === docId);
    const node = doc ? findNode(doc, ref) : undefined;
    if (doc && node) reportCitations.push(citationFor(doc, node));
  }
  const channels = [t.reportIntro, ...t.reportChannels.map((c, i) => `${i + 1}. ${c}`)].join('\n');
  // Someone describing what they saw gets the verdict on the act first, then how to report it.
  const conduct = u.incident && card && card.card.verdict === 'dilarang' && card.card.topic !== 'pelaporan' ? card : undefined;
  if (conduct) {
    const composed = composeFromCard(input, conduct);
    const citations = [...composed.answer.citations.slice(0, 2), ...reportCitations.slice(0, 2)];
    return {
      ...composed,
      answer: {
        ...composed.answer,
        answer: `${composed.answer.answer.replace(`\n\n${t.escalateOffer}`, '')}\n\n${channels}\n\n${t.reportOffer}`,
        citations,
        escalate: true,
      },
    };
  }
  return {
    composer: 'offline',
    cardId: card?.card.topic === 'pelaporan' ? card.card.id : undefined,
    answer: {
      question: input.question,
      verdict: 'informasi',
      answer: `${channels}\n\n${t.reportOffer}`,
      citations: reportCitations,
      escalate: true,
      language: u.language,
    },
  };
}
