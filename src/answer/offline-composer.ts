import type { CaseCard, KnowledgeBase } from '../knowledge/knowledge-base.js';
import { findNode, nodeText } from '../knowledge/passages.js';
import { type ArticleRequest, findArticleRequest } from './article-lookup.js';
import { analyzeQuery } from '../retrieval/indonesian-analyzer.js';
import type { ScoredChunk } from '../retrieval/hybrid-retriever.js';
import type { Answer, Citation, Verdict } from './answer-contract.js';
import { TEXTS } from './answer-text.js';
import type { CardMatch } from './card-matcher.js';
import { citationFor, citationForChunk, citationsForCard, statusRank } from './citations.js';
import { formatDateId, stageNote, type StageOnDate } from './election-stage.js';
import type { Understanding } from './understand.js';

/** Everything a composer needs; the LLM composer receives the same. */
export interface ComposeInput {
  question: string;
  understanding: Understanding;
  kb: KnowledgeBase;
  hits: ScoredChunk[];
  cards: CardMatch[];
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
}

/** A card match this strong is trusted as the answer to a conduct question. */
export const CARD_CONFIDENCE = 0.42;
/** Cards whose verdict may depend on whether candidates were already determined. */
const STAGE_SENSITIVE_TOPICS = new Set([
  'media_sosial', 'atribut_foto', 'kampanye', 'tim_kampanye', 'kegiatan_keberpihakan', 'keputusan_kebijakan',
  'dukungan_ktp', 'keluarga_calon',
]);

/**
 * The offline composer: picks the best-supported case card when the evidence is strong enough,
 * otherwise answers from the passages themselves (`informasi`) or says plainly that the corpus
 * does not settle the question (`tidak_pasti`) and who decides. Deterministic, no network.
 */
export function composeOffline(input: ComposeInput): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const best = input.cards[0];
  const strongCard = trustedCard(input.cards);

  if (u.intent === 'greeting') {
    return plain(input, 'di_luar_topik', /terima ?kasih|makasih|thank/i.test(u.text) ? t.thanks : t.greeting, false);
  }
  if (u.intent === 'recommendation') return plain(input, 'di_luar_topik', t.recommendation, false);
  // Names, places and events only the news mention make it a news question, unless the user asks whether something is allowed.
  const asksPermission = /\b(boleh|bolehkah|dilarang|diperbolehkan|diizinkan|may|can|allowed)\b/i.test(u.text);
  const askingNews =
    u.intent === 'news' || (input.newsTerms > 0 && u.domain !== 'none' && !asksPermission && u.intent !== 'report');
  // A question naming an article of a regulation Netra holds is in scope whatever its other words.
  const article = findArticleRequest(u.text, kb);
  const namesHeldLaw = article !== undefined && (article.named.length > 0 || article.found.length === 1);
  if (!namesHeldLaw && !isOnTopic(input, strongCard, askingNews)) return plain(input, 'di_luar_topik', t.offTopic, false);

  const asksForText = /\b(isi|bunyi|berbunyi|teks|text|say|says|wording)\b/i.test(u.text);
  if (article && (asksForText || u.intent !== 'conduct' || !strongCard)) {
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
  if (strongCard && !(u.intent !== 'conduct' && strongCard.confidence < 0.7 && strongPassage(input))) {
    return composeFromCard(input, strongCard);
  }
  if (u.intent === 'news' || u.intent === 'info' || u.intent === 'sanction') {
    const passage = strongPassage(input);
    if (passage) return composeFromPassages(input, 'informasi');
  }
  return composeFromPassages(input, 'tidak_pasti');
}

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
  if (!best || best.confidence < CARD_CONFIDENCE) return undefined;
  if (!PERMISSIVE.has(best.card.verdict)) return best;
  const stricter = cards.find((m) => !PERMISSIVE.has(m.card.verdict) && m.card.verdict !== 'informasi');
  if (!stricter || best.confidence - stricter.confidence >= PERMISSIVE_MARGIN) return best;
  return stricter.confidence >= CARD_CONFIDENCE ? stricter : undefined;
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

function plain(input: ComposeInput, verdict: Verdict, text: string, escalate: boolean): ComposedAnswer {
  return {
    composer: 'offline',
    answer: { question: input.question, verdict, answer: text, citations: [], escalate, language: input.understanding.language },
  };
}

function composeFromCard(input: ComposeInput, match: CardMatch): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const card = match.card;
  const sanctionAsked = u.intent === 'sanction';
  let verdict: Verdict = card.verdict;
  // A question about the sanction of an act is a factual question; the act itself stays forbidden,
  // and an uncertain card stays uncertain.
  if (sanctionAsked && card.verdict !== 'tidak_pasti') verdict = 'informasi';
  const citations = citationsForCard(kb, card, sanctionAsked);
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  // Cards may open with their own "Tidak boleh."/"Ya, …"; never say it twice.
  const opening = sanctionAsked || /^(tidak boleh|boleh|ya,|not allowed|allowed)/i.test(card.body) ? '' : t.opening[verdict];
  const body = u.language === 'en' ? (card.summary_en ?? card.title) : card.body;
  parts.push([opening, body].filter(Boolean).join(' '));
  if (card.verdict === 'boleh_bersyarat' && card.conditions.length > 0) {
    parts.push(`${t.conditions}\n${card.conditions.map((c) => `• ${c}`).join('\n')}`);
  }
  if (card.sanction && (sanctionAsked || card.verdict === 'dilarang' || card.verdict === 'tidak_pasti')) {
    parts.push(`${t.sanction} ${card.sanction}`);
  }
  parts.push(...sourceNotes(kb, citations, u.language));
  if (STAGE_SENSITIVE_TOPICS.has(card.topic) && card.verdict !== 'boleh') {
    parts.push(stageNote(input.stage, u.actDate !== undefined, u.language));
  }
  if (card.verdict === 'tidak_pasti') parts.push(card.decides ? `${t.decides} ${card.decides}` : t.whoToAsk);
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

/** Says when a cited source is repealed or only news-reported, so nobody mistakes it for current law. */
function sourceNotes(kb: KnowledgeBase, citations: Citation[], language: 'id' | 'en'): string[] {
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

function composeReport(input: ComposeInput, card: CardMatch | undefined): ComposedAnswer {
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
  const conduct = card && card.card.verdict === 'dilarang' && card.card.topic !== 'pelaporan' ? card : undefined;
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

/** Longest article text shown in an answer; the citation points to the whole article. */
const MAX_ARTICLE_CHARS = 1500;

/**
 * "Apa isi Pasal 282 UU Pemilu?": shows the article as the corpus holds it, or says plainly that
 * the corpus does not hold it (Netra never quotes an article from memory).
 */
function composeFromArticle(input: ComposeInput, request: ArticleRequest): ComposedAnswer | undefined {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  if (request.found.length === 0) {
    const doc = request.named[0];
    if (!doc) return undefined;
    const held = [...new Set(doc.nodes.filter((n) => n.path.length === 1 && /^Pasal /.test(n.ref)).map((n) => n.ref))];
    const text =
      u.language === 'en'
        ? `${request.pasal} of ${doc.shortName} is not among the texts in Netra's knowledge base, and Netra does not quote articles from memory. Articles of ${doc.shortName} it holds: ${held.join(', ') || '-'}.`
        : `${request.pasal} ${doc.shortName} tidak termasuk kutipan yang tersedia di basis pengetahuan Netra, dan Netra tidak mengutip pasal dari ingatan. Pasal ${doc.shortName} yang tersedia: ${held.map((h) => h.replace('Pasal ', '')).join(', ') || '-'}.`;
    return plain(input, 'tidak_pasti', `${text}\n\n${t.whoToAsk}`, u.escalate);
  }
  const found = [...request.found].sort((a, b) => statusRank(a.document.status) - statusRank(b.document.status)).slice(0, 2);
  const parts = found.map(({ document, node }) => {
    const text = nodeText(document, node);
    const shown = text.length > MAX_ARTICLE_CHARS ? `${text.slice(0, MAX_ARTICLE_CHARS)} …` : text;
    return `${document.shortName} ${node.ref}:\n${shown}`;
  });
  const citations = found.map(({ document, node }) => {
    // A long article is cited by its first item, so the quote stays one exact line.
    const first = node.children[0];
    return citationFor(document, first && !nodeText(document, node).split('\n')[0]!.trim() ? first : node);
  });
  parts.push(...sourceNotes(kb, citations, u.language));
  return {
    composer: 'offline',
    answer: { question: input.question, verdict: 'informasi', answer: parts.join('\n\n'), citations, escalate: u.escalate, language: u.language },
  };
}

const STAGE_WORDS: [RegExp, RegExp][] = [
  [/\b(pemungutan suara|pencoblosan|nyoblos|coblosan|coblos|hari h|voting day|vote)\b/, /pemungutan|voting/],
  [/\b(masa tenang|minggu tenang)\b/, /tenang/],
  [/\b(kampanye|campaign)\b/, /kampanye/],
  [/\b(penetapan|ditetapkan)\b/, /penetapan/],
  [/\b(pendaftaran|mendaftar|registration)\b/, /pendaftaran/],
];

/** "Kapan masa kampanye Pilkada 2024?": answered from the election calendar, with its certainty. */
function composeFromCalendar(input: ComposeInput): ComposedAnswer | undefined {
  const u = input.understanding;
  const lower = u.text.toLowerCase();
  if (!/\b(kapan|jadwal|tanggal|when|date)\b/.test(lower)) return undefined;
  const kind = /\b(pilkada|pemilihan kepala daerah|pilgub|pilbup|pilwalkot)\b/.test(lower) ? 'pilkada' : /\b(pemilu|pileg|pilpres|election)\b/.test(lower) ? 'pemilu' : undefined;
  const stage = STAGE_WORDS.find(([words]) => words.test(lower));
  if (!kind || !stage) return undefined;
  const year = /\b(20\d{2})\b/.exec(lower)?.[1];
  const elections = input.kb.calendar.filter((e) => e.kind === kind && (!year || e.id.includes(year) || e.name.includes(year)));
  const lines = elections.flatMap((e) =>
    e.stages
      .filter((s) => stage[1].test(s.id))
      .map((s) => `• ${e.name} — ${s.name}: ${s.start === s.end ? formatDateId(s.start) : `${formatDateId(s.start)} s.d. ${formatDateId(s.end)}`}${e.certainty ? ` (${e.certainty})` : ''}`),
  );
  if (lines.length === 0) return undefined;
  const intro = u.language === 'en' ? 'According to Netra’s election calendar (not a regulation; check the official KPU schedule):' : 'Menurut kalender pemilihan Netra (bukan teks peraturan; periksa jadwal resmi KPU):';
  return plain(input, 'informasi', `${intro}\n${lines.join('\n')}`, u.escalate);
}

/** The best regulation passage when retrieval agrees on it (top lexical and close in the vector space). */
function strongPassage(input: ComposeInput): ScoredChunk | undefined {
  const regs = input.hits.filter((h) => h.chunk.kind === 'regulation');
  const top = regs[0];
  if (!top) return undefined;
  const lexicalTop = top.lexicalRank !== undefined && top.lexicalRank <= 5;
  const v = top.vectorScore ?? 0;
  return (lexicalTop && v >= 0.3) || v >= 0.45 ? top : undefined;
}

function composeFromPassages(input: ComposeInput, verdict: 'informasi' | 'tidak_pasti'): ComposedAnswer {
  const { understanding: u, kb } = input;
  const t = TEXTS[u.language];
  const regs = input.hits
    .filter((h) => h.chunk.kind === 'regulation')
    .slice(0, 6)
    .sort((a, b) => statusRank(a.chunk.status) - statusRank(b.chunk.status) || b.score - a.score)
    .slice(0, 3);
  const citations = regs.map((h) => citationForChunk(kb, h.chunk)).filter((c) => c !== undefined);
  const lines = regs.map((h) => `• ${h.chunk.label}: "${h.chunk.quote}"`);
  const parts: string[] = [];
  if (u.injection) parts.push(t.injection);
  if (verdict === 'tidak_pasti') {
    parts.push(t.opening.tidak_pasti);
    if (lines.length > 0) parts.push(`${t.uncertainIntro}\n${lines.join('\n')}`);
    const near = input.cards[0];
    if (near && near.confidence >= 0.3) {
      parts.push(
        u.language === 'en'
          ? `A related case Netra knows: ${near.card.summary_en ?? near.card.title}`
          : `Kasus terdekat yang Netra ketahui: "${near.card.title}". Jika itu yang Anda maksud, tanyakan dengan kata-kata yang lebih spesifik.`,
      );
    }
    parts.push(t.whoToAsk);
  } else {
    parts.push(`${t.passagesIntro}\n${lines.join('\n')}`);
  }
  parts.push(...sourceNotes(kb, citations, u.language));
  if (u.escalate) parts.push(t.escalateOffer);
  return {
    composer: 'offline',
    answer: {
      question: input.question,
      verdict,
      answer: parts.join('\n\n'),
      citations,
      escalate: u.escalate,
      language: u.language,
    },
  };
}

function composeFromNews(input: ComposeInput): ComposedAnswer | undefined {
  const { understanding: u, kb } = input;
  const news = input.hits.filter((h) => h.chunk.kind === 'news');
  const top = news[0];
  if (!top) return undefined;
  const doc = kb.documents.find((d) => d.id === top.chunk.docId);
  const node = doc?.nodes.find((n) => n.ref === top.chunk.ref);
  if (!doc || !node) return undefined;
  const paragraph = doc.text.slice(node.start, node.end);
  const sentence = bestSentence(paragraph, input.question);
  const citation = citationFor(doc, node, sentence);
  const second = news.find((h) => h.chunk.docId !== doc.id && (h.vectorScore ?? 0) >= 0.3);
  const citations = [citation, ...(second ? [citationForChunk(kb, second.chunk)].filter((c) => c !== undefined) : [])];
  const t = TEXTS[u.language];
  const when = doc.date ?? '';
  return {
    composer: 'offline',
    answer: {
      question: input.question,
      verdict: 'informasi',
      answer: `${t.newsIntro(doc.outlet ?? doc.shortName, when)} "${sentence}"\n\n${u.language === 'en' ? 'This is what the news article reports, not a regulation.' : 'Ini isi pemberitaan, bukan teks peraturan.'}`,
      citations,
      escalate: u.escalate,
      language: u.language,
    },
  };
}

/** The sentence of `paragraph` sharing most words with the question (a verbatim substring). */
function bestSentence(paragraph: string, question: string): string {
  const q = new Set(analyzeQuery(question));
  const sentences = paragraph.match(/[^.!?]+[.!?]+["”]?|[^.!?]+$/g) ?? [paragraph];
  let best = paragraph.trim();
  let bestScore = -1;
  for (const s of sentences) {
    const trimmed = s.trim();
    if (trimmed.length < 25) continue;
    const tokens = new Set(analyzeQuery(trimmed));
    let shared = 0;
    for (const x of q) if (tokens.has(x)) shared += 1;
    const score = shared / Math.sqrt(tokens.size + 1);
    if (score > bestScore) {
      bestScore = score;
      best = trimmed;
    }
  }
  return best;
}

export type { CaseCard };
