import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { StageOnDate } from '../../knowledge/election-stage.js';
import type { DecidingFact } from '../../knowledge/schemas.js';
import type { ScoredChunk } from '../../retrieval/hybrid-retriever.js';
import type { Verdict } from '../answer-contract.js';
import type { ArticleRequest } from '../article-lookup.js';
import type { CardMatch } from '../card-matcher.js';
import type { Situation } from '../situation/situation.js';
import type { CardFit } from './card-fit.js';

/** What the decision rules look at: the situation and the evidence retrieved for it. */
export interface DecisionContext {
  situation: Situation;
  kb: KnowledgeBase;
  /** Cards ranked by how they fit the situation. */
  fits: CardFit[];
  /** Cards ranked by wording similarity alone. */
  similar: CardMatch[];
  hits: ScoredChunk[];
  /** An article the question names ("Pasal 280 UU 7/2017"), when it names one. */
  article?: ArticleRequest;
  /** Question words found only in news articles (names, places, events). */
  newsTerms: number;
  stage: StageOnDate;
  /** The card that answered the previous turn, when this one follows up on the same act ("apa sanksinya?"). */
  previousCardId?: string;
}

/** How the answer is to be composed, and by which rule; the composer renders it without deciding. */
export type Decision = { rule: string } & (
  | { kind: 'plain'; verdict: Verdict; message: 'empty' | 'greeting' | 'thanks' | 'off_topic' | 'recommendation' }
  | { kind: 'article'; article: ArticleRequest }
  | { kind: 'today' }
  | { kind: 'news' }
  | { kind: 'report'; fit?: CardFit }
  | { kind: 'sanction'; fit?: CardFit }
  | { kind: 'overview'; fit?: CardFit }
  | {
      kind: 'card';
      fit: CardFit;
      verdict: Verdict;
      /** `rule`: the card's own verdict; `exception`: one of its exceptions; `branches`: a deciding fact is missing. */
      via: 'rule' | 'exception' | 'branches';
      /** For `branches`: the fact to ask about. */
      deciding?: DecidingFact;
    }
  | { kind: 'passages'; verdict: 'informasi' | 'tidak_pasti' }
);
