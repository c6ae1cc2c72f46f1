import { TEXTS } from './answer-text.js';
import { composeFromArticle } from './article-answer.js';
import { composeToday } from './calendar-answer.js';
import { composeCardDecision, composeSanctionDecision } from './card-answer.js';
import { type ComposedAnswer, type ComposeInput, plainAnswer } from './compose-input.js';
import { composeFromNews } from './news-answer.js';
import { composeFromPassages } from './passage-answer.js';
import { composeReport } from './report-answer.js';

/**
 * The offline composer: renders the decision the rule table made (input.decision) into an
 * answer with verified-quotable citations. It never decides a verdict itself. Deterministic, no
 * network; it is also the fallback of the LLM composer.
 */
export function composeOffline(input: ComposeInput): ComposedAnswer {
  const d = input.decision;
  const t = TEXTS[input.understanding.language];
  const withRule = (c: ComposedAnswer): ComposedAnswer => ({ ...c, rule: d.rule });
  switch (d.kind) {
    case 'plain': {
      const text = { empty: t.empty, greeting: t.greeting, thanks: t.thanks, off_topic: t.offTopic, recommendation: t.recommendation }[d.message];
      return withRule(plainAnswer(input, d.verdict, text, false));
    }
    case 'article':
      return withRule(composeFromArticle(input, d.article) ?? composeFromPassages(input, 'tidak_pasti'));
    case 'today':
      return withRule(composeToday(input));
    case 'news':
      return withRule(composeFromNews(input) ?? composeFromPassages(input, 'informasi'));
    case 'report':
      return withRule(composeReport(input, d.fit));
    case 'sanction':
      return withRule(d.fit ? composeSanctionDecision(input, d.fit) : composeFromPassages(input, 'informasi'));
    case 'overview':
      return withRule(d.fit ? composeCardDecision(input, d.fit, 'informasi', 'rule') : composeFromPassages(input, 'informasi'));
    case 'card':
      return withRule(composeCardDecision(input, d.fit, d.verdict, d.via, d.deciding));
    case 'passages':
      return withRule(composeFromPassages(input, d.verdict));
  }
}
