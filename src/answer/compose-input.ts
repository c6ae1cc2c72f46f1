import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { ScoredChunk } from '../retrieval/hybrid-retriever.js';
import type { Answer, Citation, Verdict } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import type { CardMatch } from './card-matcher.js';
import type { StageOnDate } from '../knowledge/election-stage.js';
import type { CardFit } from './decision/card-fit.js';
import type { Decision } from './decision/decision.js';
import type { Situation } from './situation/situation.js';
import type { Understanding } from './understand.js';

/** Everything a composer needs; the LLM composer receives the same. */
export interface ComposeInput {
  question: string;
  /** The situation read from the question (and the conversation's previous one, for a follow-up). */
  situation: Situation;
  /** What the decision table decided; composers render it and never decide again. */
  decision: Decision;
  understanding: Understanding;
  kb: KnowledgeBase;
  hits: ScoredChunk[];
  /** Cards by wording similarity (the secondary signal; kept for the LLM prompt). */
  cards: CardMatch[];
  /** Cards by fit to the situation. */
  fits: CardFit[];
  /** The stage of the elections on the act's date (when given) or today. */
  stage: StageOnDate;
  /** Number of question words found only in news articles (names, places, events). */
  newsTerms: number;
}

/** An answer plus what produced it (for logs, memory and statistics; never shown as is). */
export interface ComposedAnswer {
  answer: Answer;
  cardId?: string;
  composer: 'offline' | 'llm';
  /** The decision rule that produced the verdict (logged with every answer). */
  rule?: string;
}


/** An answer with no citation (greetings, off-topic, calendar dates, "not in the corpus"). */
export function plainAnswer(input: ComposeInput, verdict: Verdict, text: string, escalate: boolean): ComposedAnswer {
  return {
    composer: 'offline',
    answer: { question: input.question, verdict, answer: text, citations: [], escalate, language: input.understanding.language },
  };
}


/** Says when a cited source is repealed or only news-reported, so nobody mistakes it for current law. */
export function sourceNotes(kb: KnowledgeBase, citations: Citation[], language: 'id' | 'en'): string[] {
  const t = TEXTS[language];
  const notes: string[] = [];
  const docs = citations.map((c) => kb.documents.find((d) => d.id === c.sourceId)).filter((d) => d !== undefined);
  if (docs.some((d) => d.status === 'sekunder')) notes.push(t.secondary);
  for (const d of new Set(docs.filter((d) => d.status === 'dicabut'))) {
    const replacement = kb.documents.find((r) => r.id === d.replacedBy);
    notes.push(t.repealed(d.shortName, replacement?.shortName ?? d.replacedBy ?? '?'));
  }
  return notes;
}
