import type { Logger } from '../logging/logger.js';
import type { LoadedIndex } from '../retrieval/index-store.js';
import { HybridRetriever, type RetrievalMode } from '../retrieval/hybrid-retriever.js';
import { AnswerSchema, type Answer } from './answer-contract.js';
import { findArticleRequest } from './article-lookup.js';
import { matchCards } from './card-matcher.js';
import { verifyCitations } from './citation-verifier.js';
import { fitCards } from './decision/card-fit.js';
import { decide } from './decision/rules.js';
import { readSituation } from './situation/read-situation.js';
import { describeSituation, type Situation } from './situation/situation.js';
import { jakartaDate } from '../knowledge/calendar-date.js';
import { stageOn } from '../knowledge/election-stage.js';
import { newsSignal } from './news-signal.js';
import type { ComposedAnswer, ComposeInput } from './compose-input.js';
import { composeOffline } from './offline-composer.js';
import { understandingOf } from './understand.js';

/**
 * One earlier exchange of the same conversation, for follow-ups like "kalau cuma like saja?".
 * Opaque to callers: the conversation stores the `turn` of each {@link PipelineResult} and hands
 * the recent ones back to {@link AnswerPipeline.ask}; it never builds one itself.
 */
export interface Turn {
  question: string;
  cardId?: string;
  /** The situation the question was read as: a follow-up changes it instead of starting over. */
  situation?: Situation;
}

/** A composer that may fail; the pipeline then answers offline. Implemented by the LLM composer. */
export interface Composer {
  readonly name: string;
  compose(input: ComposeInput, offline: ComposedAnswer): Promise<ComposedAnswer>;
}

export interface PipelineOptions {
  /** The index to answer from; a function so a hot re-index can swap it. */
  index: () => LoadedIndex;
  /** Optional LLM composer; without it every answer is offline. */
  composer?: Composer;
  /** Fixed ISO date for "today" (tests, demos); defaults to the real date. */
  today?: string;
  retrieval?: RetrievalMode;
  logger?: Logger;
}

/** An answer with what produced it. */
export interface PipelineResult extends ComposedAnswer {
  latencyMs: number;
  retrievedIds: string[];
  droppedCitations: number;
  /** True when an LLM was configured but its answer was not used. */
  fellBack: boolean;
  /** What to remember of this exchange for the next question of the same conversation. */
  turn: Turn;
}

/** The longest question answered, in characters; the HTTP API and the chat channels refuse longer ones with a message. */
export const MAX_QUESTION_CHARS = 2000;

/**
 * The answer pipeline, readable top to bottom: understand → retrieve → compose → verify.
 * Every adapter, the HTTP API and the CLI call {@link ask}; nothing else produces answers.
 */
export class AnswerPipeline {
  private readonly retriever: HybridRetriever;

  constructor(private readonly options: PipelineOptions) {
    this.retriever = new HybridRetriever({ index: options.index, k: 20, mode: options.retrieval ?? 'hybrid' });
  }

  async ask(rawQuestion: string, history: Turn[] = []): Promise<PipelineResult> {
    const started = performance.now();
    const question = cleanQuestion(rawQuestion);
    const index = this.options.index();
    if (question.length === 0) {
      // Echo the cleaned (empty) question, not the raw input: that may be 100 KB of invisible characters.
      return this.finish(started, { ...emptyAnswer(question), rule: 'empty' }, [], 0, false);
    }

    const kb = index.knowledge;
    // 1. Understand: read the situation once (a follow-up changes the previous one).
    const previous = history.at(-1);
    // One clock for the whole bot: the calendar day in Asia/Jakarta, where the users are.
    const today = this.options.today ?? jakartaDate(new Date());
    // A turn given only as text (the HTTP API's history) is read the same way first.
    const before = previous ? (previous.situation ?? readSituation(previous.question, kb, undefined, today)) : undefined;
    const situation = readSituation(question, kb, before, today);
    const understanding = understandingOf(question, situation);
    const query = situation.followUp && previous ? `${question} ${previous.question}` : question;

    // 2. Retrieve: hybrid lexical + vector, the cards by wording, then by fit to the situation.
    const [hits, cardHits] = await Promise.all([this.retriever.search(query, 20), this.retriever.search(query, 10, 'card')]);
    const similar = matchCards(query, cardHits, kb, hits);
    const fits = fitCards(kb.cards, situation, similar);
    const stage = stageOn(kb.calendar, situation.date ?? today);
    const newsTerms = newsSignal(index, question);

    // 3. Decide: the one rule table; its rule name is logged with the answer.
    // "Apa sanksinya?" after an answer about an act: the same act, so the same card, unless it no longer fits.
    const previousCardId = situation.followUp && situation.carried.includes('acts') ? previous?.cardId : undefined;
    const decision = decide({ situation, kb, fits, similar, hits, article: findArticleRequest(question, kb), newsTerms, stage, previousCardId });
    this.options.logger?.debug(
      { rule: decision.rule, situation: describeSituation(situation), fits: fits.slice(0, 4).map((f) => `${f.card.id}:${f.score.toFixed(2)}${f.outside ? `/outside:${f.outside}` : ''}`) },
      'decision',
    );
    const input: ComposeInput = { question, situation, decision, understanding, kb, hits, cards: similar, fits, stage, newsTerms };

    // 4. Compose: offline always (it is also the fallback), the LLM when configured.
    const offline = composeOffline(input);
    let composed = offline;
    let fellBack = false;
    if (this.options.composer && offline.answer.verdict !== 'di_luar_topik') {
      try {
        composed = await this.options.composer.compose(input, offline);
        fellBack = composed.composer !== 'llm';
      } catch (err) {
        fellBack = true;
        this.options.logger?.warn({ err: (err as Error).message }, 'LLM composer failed; answering offline');
      }
    }

    // 5. Verify: no citation reaches the user unless its quote is in the passage it names.
    let { kept, dropped } = verifyCitations(composed.answer.citations, kb);
    if (composed.composer === 'llm' && kept.length === 0 && needsCitation(composed.answer)) {
      composed = offline;
      fellBack = true;
      ({ kept, dropped } = verifyCitations(offline.answer.citations, kb));
    }
    const answer = AnswerSchema.parse({ ...composed.answer, citations: kept });
    return this.finish(
      started,
      { ...composed, answer, rule: composed.rule ?? decision.rule },
      hits.map((h) => h.chunk.id),
      dropped.length,
      fellBack,
      situation,
    );
  }

  private finish(
    started: number,
    composed: ComposedAnswer,
    retrievedIds: string[],
    droppedCitations: number,
    fellBack: boolean,
    situation?: Situation,
  ): PipelineResult {
    const turn: Turn = { question: composed.answer.question, cardId: composed.cardId, situation };
    return { ...composed, latencyMs: performance.now() - started, retrievedIds, droppedCitations, fellBack, turn };
  }
}

function needsCitation(answer: Answer): boolean {
  return answer.verdict !== 'di_luar_topik' && answer.verdict !== 'tidak_pasti';
}

/** Strips control and invisible characters and caps the length: hostile input must not cost more than a question. */
export function cleanQuestion(raw: string): string {
  return raw
    // Lone UTF-16 surrogates are not text (SQLite would store them as U+FFFD); `u` matches only unpaired ones.
    .replace(/[\ud800-\udfff]/gu, '')
    .replace(/\uFFFD/g, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ')
    .replace(/[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g, '')
    .trim()
    .slice(0, MAX_QUESTION_CHARS);
}

function emptyAnswer(raw: string): ComposedAnswer {
  return {
    composer: 'offline',
    answer: {
      question: raw,
      verdict: 'di_luar_topik',
      answer: 'Pesan Anda kosong. Silakan tulis pertanyaan tentang netralitas ASN dalam pemilu atau pilkada, misalnya "Bolehkah PNS like postingan caleg?".',
      citations: [],
      escalate: false,
      language: 'id',
    },
  };
}
