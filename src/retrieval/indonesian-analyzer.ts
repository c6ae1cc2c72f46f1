import { createRequire } from 'node:module';
import { Stemmer } from 'sastrawijs';
import { ENGLISH_TERMS, SLANG_EXPANSIONS } from './slang-lexicon.js';

const require = createRequire(import.meta.url);
const STOPWORDS_ID: string[] = (require('stopwords-iso') as Record<string, string[]>).id ?? [];

/**
 * Stop-word lists drop words that carry legal meaning here ("bakal calon", "di luar jam kerja",
 * "sebelum/selama/sesudah masa kampanye", "tanpa atribut", "memihak"): keep them.
 */
const KEEP = new Set([
  'bakal', 'ikut', 'luar', 'hari', 'masa', 'sebelum', 'setelah', 'sesudah', 'selama', 'bersama', 'tanpa',
  'memihak', 'pihak', 'tempat', 'waktu', 'umum', 'akhir', 'diri', 'belakang', 'menjadi', 'kerja', 'bekerja',
  'menggunakan', 'memberikan', 'membuat', 'tinggi', 'lima', 'masuk', 'jam', 'dilarang', 'wajib', 'cuti',
  // Discipline levels: "hukuman disiplin sedang/berat/ringan".
  'sedang', 'berat', 'ringan', 'jenis', 'tingkat', 'tidak', 'hormat',
]);

/** Words that only frame a question ("bolehkah", "apakah"): meaningless for finding passages. */
const QUESTION_WORDS = [
  'boleh', 'bolehkah', 'apakah', 'apa', 'gimana', 'bagaimana', 'kah', 'dong', 'nggak', 'ngga', 'gak', 'ga',
  'nda', 'tdk', 'kalau', 'kalo', 'klo', 'sih', 'ya', 'yg', 'dgn', 'utk', 'aja', 'saja', 'cuma', 'hanya', 'kan',
  'nih', 'deh', 'loh', 'lho', 'gan', 'min', 'pak', 'bu', 'bapak', 'ibu', 'saya', 'aku', 'gue', 'gw', 'kami',
  'kita', 'mau', 'ingin', 'pengen', 'pingin', 'bisa', 'tolong', 'mohon', 'nge', 'ng',
  // English glue words.
  'the', 'a', 'an', 'is', 'are', 'was', 'be', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'it', 'i', 'my',
  'with', 'at', 'by', 'do', 'does', 'did', 'what', 'which', 'who', 'how', 'if', 'as', 'from', 'that', 'this',
  'their', 'his', 'her', 'they', 'he', 'she', 'we', 'you', 'your', 'about', 'any', 'other', 'only', 'just',
];

const STOP = new Set([...STOPWORDS_ID.filter((w) => !KEEP.has(w)), ...QUESTION_WORDS]);

/**
 * The tables this analyzer is made of (the stop words after KEEP, the stem overrides), for the
 * index's format id: an index built with other tables must be rebuilt, not used.
 */
export function analyzerTables(): { stopWords: string[]; stemOverrides: Record<string, string>; expansionWeight: number } {
  return { stopWords: [...STOP].sort(), stemOverrides: { ...STEM_OVERRIDES }, expansionWeight: EXPANSION_WEIGHT };
}

/** Sastrawi's dictionary misses or over-stems a few words that matter here. */
const STEM_OVERRIDES: Record<string, string> = {
  pemilu: 'pemilu',
  memposting: 'posting',
  posting: 'posting',
  postingan: 'posting',
  mengerahkan: 'kerah',
  pengerahan: 'kerah',
  penyandang: 'sandang',
  pemenangan: 'menang',
  netralitas: 'netral',
  kampanye: 'kampanye',
  pilkada: 'pilkada',
  tps: 'tps',
  pns: 'pns',
  asn: 'asn',
  pppk: 'pppk',
  cpns: 'cpns',
  like: 'like',
  share: 'share',
  comment: 'comment',
  follow: 'follow',
};

const stemmer = new Stemmer();
const stemCache = new Map<string, string>();

/** Stems one lower-case Indonesian word (memoised: the vocabulary is small and answers must be fast). */
export function stem(word: string): string {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached;
  let out = STEM_OVERRIDES[word];
  if (out === undefined) out = /^[a-z]+$/.test(word) && word.length > 3 ? stemmer.stem(word) : word;
  if (stemCache.size < 50_000) stemCache.set(word, out);
  return out;
}

/** Lower-cases, folds Unicode and splits into word tokens (letters and digits). */
export function tokenize(text: string): string[] {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/(\p{L})-(?=\p{L})/gu, '$1')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0 && t.length < 40);
}

/** A query token with how much it counts: 1 for the user's words and translations, less for expansions. */
interface WeightedToken {
  token: string;
  weight: number;
}

/** Weight of a word that only came from slang expansion, relative to the user's own words. */
export const EXPANSION_WEIGHT = 0.45;

function expandWeighted(tokens: string[]): WeightedToken[] {
  const out: WeightedToken[] = [];
  const push = (words: string | undefined, weight: number) => {
    if (words) for (const w of words.split(' ')) out.push({ token: w, weight });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    // English is replaced by its Indonesian translation, so "civil servant" and "PNS" are the same words.
    const englishPair = next ? ENGLISH_TERMS[`${t} ${next}`] : undefined;
    if (englishPair) {
      push(englishPair, 1);
      i += 1;
      continue;
    }
    const english = ENGLISH_TERMS[t];
    if (english) {
      push(english, 1);
      continue;
    }
    out.push({ token: t, weight: 1 });
    if (next) push(SLANG_EXPANSIONS[`${t} ${next}`], EXPANSION_WEIGHT);
    // "PP 94/2021" is a Peraturan Pemerintah; "PP" alone is slang for a profile picture.
    const regulationNumber = t === 'pp' && next !== undefined && /^\d+$/.test(next);
    if (!regulationNumber) push(SLANG_EXPANSIONS[t], EXPANSION_WEIGHT);
    // "nge-like", "ngeshare", "ngefollow": the "nge" prefix is colloquial Jakarta slang.
    if (t.startsWith('nge') && t.length > 5) {
      const base = t.slice(3);
      out.push({ token: base, weight: 1 });
      push(SLANG_EXPANSIONS[base], EXPANSION_WEIGHT);
    }
  }
  return out;
}

/** Replaces slang and English words by the regulations' own words, keeping the originals. */
export function expandSlang(tokens: string[]): string[] {
  return expandWeighted(tokens).map((w) => w.token);
}

/** Index-side analysis: tokens → stop words removed → stems. */
export function analyzeDocument(text: string): string[] {
  return tokenize(text)
    .filter((t) => !STOP.has(t))
    .map(stem);
}

/** Query-side analysis: like documents, after expanding slang and English terms. */
export function analyzeQuery(text: string): string[] {
  return expandSlang(tokenize(text))
    .filter((t) => !STOP.has(t))
    .map(stem);
}

/**
 * Query stems with weights: the user's own words (and English translated) count fully, words
 * added by slang expansion count less, so an exact match on what the user typed wins.
 */
export function weightedQueryTerms(text: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const { token, weight } of expandWeighted(tokenize(text))) {
    if (STOP.has(token)) continue;
    const s = stem(token);
    weights.set(s, Math.max(weights.get(s) ?? 0, weight));
  }
  return weights;
}
