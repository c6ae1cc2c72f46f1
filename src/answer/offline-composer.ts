import { TEXTS } from './answer-text.js';
import { composeFromArticle } from './article-answer.js';
import { findArticleRequest } from './article-lookup.js';
import { composeFromCalendar } from './calendar-answer.js';
import { composeFromCard, trustedCard } from './card-answer.js';
import type { CardMatch } from './card-matcher.js';
import { type ComposedAnswer, type ComposeInput, plainAnswer } from './compose-input.js';
import { composeFromNews } from './news-answer.js';
import { composeFromPassages, strongPassage } from './passage-answer.js';
import { composeReport } from './report-answer.js';

/**
 * The offline composer: picks the best-supported case card when the evidence is strong enough,
 * otherwise answers from the passages themselves (`informasi`) or says plainly that the corpus
 * does not settle the question (`tidak_pasti`) and who decides. Deterministic, no network.
 */
export function composeOffline(input: ComposeInput): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const strongCard = trustedCard(input.cards);

  if (u.intent === 'greeting') {
    return plainAnswer(input, 'di_luar_topik', /terima ?kasih|makasih|thank/i.test(u.text) ? t.thanks : t.greeting, false);
  }
  if (u.intent === 'recommendation') return plainAnswer(input, 'di_luar_topik', t.recommendation, false);
  // Names, places and events only the news mention make it a news question, unless the user asks whether something is allowed.
  const asksPermission = /\b(boleh|bolehkah|dilarang|diperbolehkan|diizinkan|may|can|allowed)\b/i.test(u.text);
  const askingNews =
    u.intent === 'news' || (input.newsTerms > 0 && u.domain !== 'none' && !asksPermission && u.intent !== 'report');
  // A question naming an article of a regulation Netra holds is in scope whatever its other words.
  const article = findArticleRequest(u.text, kb);
  const namesHeldLaw = article !== undefined && (article.named.length > 0 || article.found.length === 1);
  if (!namesHeldLaw && !isOnTopic(input, strongCard, askingNews)) return plainAnswer(input, 'di_luar_topik', t.offTopic, false);

  const asksForText = /\b(isi|bunyi|berbunyi|teks|text|say|says|wording)\b/i.test(u.text);
  // "Apa isi Pasal 282?" shows the article; "Pasal 70 ayat 2 bilang boleh, berarti saya boleh?" is a conduct question.
  if (article && (asksForText || u.intent !== 'conduct')) {
    const answered = composeFromArticle(input, article);
    if (answered) return answered;
  }
  const dates = composeFromCalendar(input);
  if (dates) return dates;
  if (askingNews) {
    const news = composeFromNews(input);
    if (news) return news;
  }
  if (u.intent === 'report') return composeReport(input, strongCard);
  // "Katanya larangan itu sudah dicabut": the claim is noise around the act; answer the act with the
  // law Netra holds, saying it found no repeal, rather than "belum pasti".
  if (u.claimsRepeal && !strongCard) {
    const act = claimedAct(input);
    if (act) return composeFromCard(input, act);
  }
  if (strongCard && !(u.intent !== 'conduct' && strongCard.confidence < 0.7 && strongPassage(input))) {
    return composeFromCard(input, strongCard);
  }
  if (u.intent === 'news' || u.intent === 'info' || u.intent === 'sanction') {
    const passage = strongPassage(input);
    if (passage) return composeFromPassages(input, 'informasi');
  }
  return composeFromPassages(input, 'tidak_pasti');
}

/** How close a prohibiting card must be to answer a question wrapped in a claim of repeal. */
const CLAIM_CARD_CONFIDENCE = 0.25;

/**
 * The prohibition a repeal claim is about: the prohibiting card whose title names what follows
 * "larangan" ("larangan kampanye" → the card on taking part in campaigns), else the closest one.
 */
function claimedAct(input: ComposeInput): CardMatch | undefined {
  const candidates = input.cards.filter((m) => m.card.verdict === 'dilarang' && m.confidence >= CLAIM_CARD_CONFIDENCE);
  const subject = /\blarangan\s+(?:untuk\s+|bagi\s+)?([a-z]+)/i.exec(input.understanding.text)?.[1]?.toLowerCase();
  const named = subject ? candidates.find((m) => m.card.title.toLowerCase().includes(subject)) : undefined;
  return named ?? candidates[0];
}

/**
 * A question is in scope when its words are clearly political, or when they are only
 * civil-service words (sanksi, disiplin, BKN) and the evidence — a case card, a strongly matching
 * passage or the news — confirms it. Pay, leave and career questions stay out.
 */
function isOnTopic(input: ComposeInput, strongCard: CardMatch | undefined, askingNews: boolean): boolean {
  const u = input.understanding;
  if (u.domain === 'strong') return u.onTopic || (strongCard?.confidence ?? 0) >= 0.6;
  if (u.offTopicPattern) return false;
  if (askingNews && input.newsTerms > 0) return true;
  if (u.domain === 'weak') return strongCard !== undefined || strongPassage(input) !== undefined;
  return (input.cards[0]?.confidence ?? 0) >= 0.6;
}
