import { z } from 'zod';

/**
 * The situation vocabulary of `knowledge/lexicon/`: the words people use for who acts, what they
 * do, toward whom and in which circumstance. It is data, validated here and compiled once per
 * index load; the situation reader (src/answer/situation) only interprets it.
 */

const Id = z.string().regex(/^[a-z][a-z0-9_]*$/, 'id huruf kecil, angka dan "_"');
const Pattern = z.string().min(1).max(200);

const Entry = z.object({
  label: z.string().min(2),
  label_en: z.string().optional(),
  patterns: z.array(Pattern).min(1),
  /** Ids of the same facet this one also counts as ("a family member who runs" is a candidate). */
  implies: z.array(Id).default([]),
  /** A target that names a person in the story ("om saya yang nyaleg"): that person is the candidate. */
  names_person: z.boolean().default(false),
  /** A target whose side may act ("caleg bagi kaos"); false for places and bodies ("grup RT", "KPU"). */
  acts: z.boolean().default(true),
  /** An act that is about elections by itself ("nyoblos", "jadi timses"); others ("like", "bagi sembako") need an election word nearby to be on topic. */
  political: z.boolean().default(false),
});

const Circumstance = z.object({
  label: z.string().min(2),
  label_en: z.string().optional(),
  yes: z.array(Pattern).default([]),
  no: z.array(Pattern).default([]),
  /** Target words inside a "yes" phrase are not real targets ("calon fiktif" names no candidate). */
  cancels_targets: z.boolean().default(false),
});

export const SituationLexiconSchema = z.object({
  negation: z.object({
    cues: z.array(Pattern).min(1),
    reach: z.number().int().min(1).max(8),
    chain: z.number().int().min(0).max(4),
    /** Words that start a new clause: a negation does not reach past them ("tidak netral kalau lapor"). */
    stops: z.array(z.string()).default([]),
  }),
  persons: z.record(Id, Entry),
  statuses: z.record(Id, Entry),
  roles: z.record(Id, Entry),
  acts: z.record(Id, Entry),
  targets: z.record(Id, Entry),
  circumstances: z.record(Id, Circumstance),
  speech: z.record(Id, Entry),
  topic: z.object({ strong: z.array(Pattern), weak: z.array(Pattern), off_topic: z.array(Pattern) }),
  /** Word lists that decide whom an act or a status belongs to (see situation.yaml). */
  attribution: z.object({
    object_markers: z.array(z.string()),
    possessive_nouns: z.array(z.string()),
    /** Words that may stand between a person noun and a possessive pronoun ("teman SMA saya"). */
    person_modifiers: z.array(z.string()).default([]),
    office_words: z.array(z.string()),
    vocatives: z.array(z.string()),
    aspiration_words: z.array(z.string()),
    modal_words: z.array(z.string()),
    subject_glue: z.array(z.string()),
    speech_verbs: z.array(z.string()),
    copula_words: z.array(z.string()),
    question_tags: z.array(z.string()),
  }),
  /** Circumstances that start on a date, and words for a time still to come or already past. */
  timing: z.object({ dated: z.array(Id), future: z.array(Pattern), past: z.array(Pattern) }).default({ dated: [], future: [], past: [] }),
  /** Words of each "today" question, keyed by the fact id of knowledge/calendar/current-state.yaml. */
  today_topics: z.record(Id, z.array(Pattern)).default({}),
  /** Single words that tell English from Indonesian (counted, not matched as patterns). */
  language: z.object({ en: z.array(z.string()), id: z.array(z.string()) }),
});
export type SituationLexiconFile = z.infer<typeof SituationLexiconSchema>;

export const NormalizeLexiconSchema = z.object({
  /** Tokens left as typed even though a letter repeats (official abbreviations such as "pppk"). */
  keep: z.array(z.string()).default([]),
  /** Words written apart that mean one thing ("terima kasih" is thanks, not "terima" = receive). */
  phrases: z.record(z.string().regex(/^[a-z0-9']+( [a-z0-9']+)+$/), z.string().regex(/^[a-z0-9']+( [a-z0-9']+)*$/)).default({}),
  tokens: z.record(z.string().regex(/^[a-z0-9']+$/), z.string().min(1)),
});
export type NormalizeLexiconFile = z.infer<typeof NormalizeLexiconSchema>;

/** Ids that the decision rules refer to by name; the lexicon must define them. */
export const REQUIRED_IDS = {
  persons: ['self', 'spouse', 'child', 'relative', 'superior', 'colleague', 'official'],
  statuses: ['pns', 'pppk', 'cpns', 'asn', 'non_asn_staff', 'retired', 'former_asn', 'not_asn', 'regional_head', 'village_head'],
  circumstances: ['posted', 'gesture', 'resigned', 'retired_effective', 'contract_ended', 'cltn', 'ordered_by_superior', 'neutral_all', 'before_determination'],
  speech: [
    'asks_violation', 'own_plan', 'incident', 'report_how', 'sanction', 'official_said', 'date_stage', 'article_text', 'repeal_claim',
    'overview', 'greeting', 'thanks', 'recommendation', 'injection', 'asks_permission', 'evasion', 'hypothetical',
  ],
} as const;

/** A text as the situation reader sees it: normalised tokens, and the sentence each token is in. */
export interface NormalizedText {
  tokens: string[];
  /** The tokens joined by single spaces, with a space at both ends, for pattern matching. */
  padded: string;
  /** Character offset of each token in `padded`. */
  offsets: number[];
  sentence: number[];
  /** Sentences that end with a question mark. */
  questions: Set<number>;
  /** Tokens followed by a comma in the raw text ("pak, saya …"): a vocative ends there. */
  commaAfter: Set<number>;
}

/** One place a pattern matched: token positions [start, end). */
export interface PatternHit {
  start: number;
  end: number;
  /** The words matched, as normalised: what the facet "rests on". */
  text: string;
}

/** A compiled list of patterns for one id. */
export class PatternSet {
  private readonly regexes: RegExp[];
  /**
   * Per pattern, the strings its first word can start with (" kata " or " awalan"), or undefined
   * when it starts with an optional word. A pattern cannot match a text holding none of them, so
   * the regex is skipped: the same hits, without running hundreds of regexes on every question.
   */
  private readonly anchors: (string[] | undefined)[];

  constructor(
    readonly patterns: readonly string[],
    table: Record<string, string> = {},
    phrases: Record<string, string> = {},
  ) {
    this.regexes = patterns.map((p) => compilePattern(p, table, phrases));
    this.anchors = this.regexes.map((re) => firstWordAnchors(re));
  }

  private mayMatch(i: number, text: NormalizedText): boolean {
    const a = this.anchors[i];
    if (a === undefined) return true;
    const words = wordsOf(text);
    // " kata " is a whole word (a set lookup); " awalan" a prefix (a substring search).
    return a.some((x) => {
      const word = x.slice(1, -1);
      return x.endsWith(' ') && !word.includes(' ') ? words.has(word) : text.padded.includes(x);
    });
  }

  /** Every place any pattern matches, leftmost-longest first, without overlaps. */
  find(text: NormalizedText): PatternHit[] {
    const hits: PatternHit[] = [];
    for (const [i, re] of this.regexes.entries()) {
      if (!this.mayMatch(i, text)) continue;
      re.lastIndex = 0;
      for (let m = re.exec(text.padded); m; m = re.exec(text.padded)) {
        const start = tokenAt(text, m.index);
        const end = tokenAt(text, m.index + m[0].length - 1) + 1;
        // A pattern never spans two sentences ("… sejak sekarang. Katanya masa kampanye …"); after
        // a match that does, look again from the next character for one that does not.
        if (text.sentence[start] === text.sentence[end - 1]) hits.push({ start, end, text: text.tokens.slice(start, end).join(' ') });
        else re.lastIndex = m.index + 1;
        // Zero-width safety: always advance.
        if (m[0].length === 0) re.lastIndex += 1;
      }
    }
    hits.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: PatternHit[] = [];
    for (const h of hits) if (!out.some((o) => h.start < o.end && o.start < h.end)) out.push(h);
    return out;
  }

  test(text: NormalizedText): boolean {
    return this.regexes.some((re, i) => {
      if (!this.mayMatch(i, text)) return false;
      re.lastIndex = 0;
      return re.test(text.padded);
    });
  }
}

export interface CompiledEntry {
  id: string;
  label: string;
  labelEn?: string;
  set: PatternSet;
  implies: string[];
  namesPerson: boolean;
  acts: boolean;
  political: boolean;
}

export interface CompiledCircumstance {
  id: string;
  label: string;
  labelEn?: string;
  yes: PatternSet;
  no: PatternSet;
  cancelsTargets: boolean;
}

/** The lexicon ready to read questions with. */
export interface SituationLexicon {
  normalize(text: string): NormalizedText;
  negation: { cues: PatternSet; reach: number; chain: number; stops: Set<string> };
  persons: CompiledEntry[];
  statuses: CompiledEntry[];
  roles: CompiledEntry[];
  acts: CompiledEntry[];
  targets: CompiledEntry[];
  circumstances: CompiledCircumstance[];
  speech: Map<string, CompiledEntry>;
  topic: { strong: PatternSet; weak: PatternSet; offTopic: PatternSet };
  language: { en: Set<string>; id: Set<string> };
  todayTopics: { id: string; set: PatternSet }[];
  timing: { dated: Set<string>; future: PatternSet; past: PatternSet };
  attribution: {
    objectMarkers: Set<string>;
    possessiveNouns: Set<string>;
    personModifiers: Set<string>;
    officeWords: Set<string>;
    vocatives: Set<string>;
    aspirationWords: Set<string>;
    modalWords: Set<string>;
    subjectGlue: Set<string>;
    speechVerbs: Set<string>;
    copulaWords: Set<string>;
    questionTags: Set<string>;
  };
  /** Targets whose side may act ("caleg bagi kaos"), computed once: the reader asks for every act. */
  actingTargets: Set<string>;
  /** Every id per facet, for validating the cards' references. */
  ids: { statuses: Set<string>; acts: Set<string>; targets: Set<string>; circumstances: Set<string>; roles: Set<string> };
}

/** Problems with the lexicon that the loader reports with the file name. */
export function checkLexicon(file: SituationLexiconFile): string[] {
  const problems: string[] = [];
  for (const [facet, ids] of Object.entries(REQUIRED_IDS)) {
    const defined = file[facet as keyof typeof REQUIRED_IDS] as Record<string, unknown>;
    for (const id of ids) if (!(id in defined)) problems.push(`${facet}.${id} wajib ada (dipakai aturan keputusan)`);
  }
  const all: [string, string[]][] = [
    ['negation.cues', file.negation.cues],
    ['topic.strong', file.topic.strong],
    ['topic.weak', file.topic.weak],
    ['topic.off_topic', file.topic.off_topic],
    ...(['persons', 'statuses', 'roles', 'acts', 'targets', 'speech'] as const).flatMap((f) =>
      Object.entries(file[f]).map(([id, e]) => [`${f}.${id}`, e.patterns] as [string, string[]]),
    ),
    ...Object.entries(file.circumstances).flatMap(([id, c]) => [
      [`circumstances.${id}.yes`, c.yes] as [string, string[]],
      [`circumstances.${id}.no`, c.no] as [string, string[]],
    ]),
  ];
  for (const [where, patterns] of all) {
    for (const p of patterns) {
      try {
        compilePattern(p);
      } catch (err) {
        problems.push(`${where}: pola "${p}" tidak valid (${(err as Error).message})`);
      }
    }
  }
  return problems;
}

export function compileLexicon(file: SituationLexiconFile, normalizeFile: NormalizeLexiconFile): SituationLexicon {
  const table = normalizeFile.tokens;
  const phrases = normalizeFile.phrases;
  // Patterns are normalised with the same table as questions, so "ngajak" in a pattern meets "ngajak" typed.
  const set = (patterns: string[]) => new PatternSet(patterns, table, phrases);
  const words = (list: string[]) => new Set(list.map((w) => table[w] ?? w));
  const entries = (rec: Record<string, z.infer<typeof Entry>>): CompiledEntry[] =>
    Object.entries(rec).map(([id, e]) => ({ id, label: e.label, labelEn: e.label_en, set: set(e.patterns), implies: e.implies, namesPerson: e.names_person, acts: e.acts, political: e.political }));
  const speech = entries(file.speech);
  const a = file.attribution;
  return {
    normalize: (text) => normalizeText(text, table, new Set(normalizeFile.keep), phrases),
    negation: { cues: set(file.negation.cues), reach: file.negation.reach, chain: file.negation.chain, stops: words(file.negation.stops) },
    attribution: {
      objectMarkers: words(a.object_markers),
      possessiveNouns: words(a.possessive_nouns),
      personModifiers: words(a.person_modifiers),
      officeWords: words(a.office_words),
      vocatives: words(a.vocatives),
      aspirationWords: words(a.aspiration_words),
      modalWords: words(a.modal_words),
      subjectGlue: words(a.subject_glue),
      speechVerbs: words(a.speech_verbs),
      copulaWords: words(a.copula_words),
      questionTags: words(a.question_tags),
    },
    persons: entries(file.persons),
    statuses: entries(file.statuses),
    roles: entries(file.roles),
    acts: entries(file.acts),
    targets: entries(file.targets),
    circumstances: Object.entries(file.circumstances).map(([id, c]) => ({
      id,
      label: c.label,
      labelEn: c.label_en,
      yes: set(c.yes),
      no: set(c.no),
      cancelsTargets: c.cancels_targets,
    })),
    speech: new Map(speech.map((s) => [s.id, s])),
    topic: {
      strong: set(file.topic.strong),
      weak: set(file.topic.weak),
      offTopic: set(file.topic.off_topic),
    },
    language: { en: new Set(file.language.en), id: new Set(file.language.id) },
    todayTopics: Object.entries(file.today_topics).map(([id, patterns]) => ({ id, set: set(patterns) })),
    timing: { dated: new Set(file.timing.dated), future: set(file.timing.future), past: set(file.timing.past) },
    actingTargets: new Set(Object.entries(file.targets).filter(([, e]) => e.acts).map(([id]) => id)),
    ids: {
      statuses: new Set(Object.keys(file.statuses)),
      acts: new Set(Object.keys(file.acts)),
      targets: new Set(Object.keys(file.targets)),
      circumstances: new Set(Object.keys(file.circumstances)),
      roles: new Set(Object.keys(file.roles)),
    },
  };
}

/**
 * Lower case, NFKC, chat spelling to standard spelling (normalize.yaml), reduplication written
 * with "2" ("ibu2" → "ibu ibu") and letters stretched for emphasis ("bangettt") tidied, so that
 * one pattern in the lexicon covers the ways people type a word. Sentences are split on . ? ! ;
 * and line breaks, because who-did-what is read within a sentence.
 */
export function normalizeText(
  raw: string,
  table: Record<string, string>,
  keep: ReadonlySet<string> = new Set(),
  phrases: Record<string, string> = {},
): NormalizedText {
  const tokens: string[] = [];
  const sentence: number[] = [];
  const questions = new Set<number>();
  const commaAfter = new Set<number>();
  // Split into sentences, keeping each one's terminator to know which ones are questions.
  const pieces = raw.normalize('NFKC').toLowerCase().split(/([.?!;\n]+|\s[-–—]\s)/);
  const sentences: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    if ((pieces[i + 1] ?? '').includes('?')) questions.add(sentences.length);
    sentences.push(pieces[i] ?? '');
  }
  sentences.forEach((s, si) => {
    const words = s
      .replace(/['’`]/g, "'")
      .replace(/,/g, ' , ')
      .replace(/[^\p{L}\p{N}', ]+/gu, ' ')
      .split(/\s+/)
      .filter(Boolean);
    for (let w of words) {
      if (w === ',') {
        if (tokens.length > 0) commaAfter.add(tokens.length - 1);
        continue;
      }
      w = w.replace(/^'+|'+$/g, '');
      if (!w) continue;
      // "bangettt" → "banget", "sooo" → "so": three or more of a letter are emphasis, not spelling.
      if (!keep.has(w) && !(w in table)) w = w.replace(/(\p{L})\1{2,}/gu, '$1');
      // "ibu2", "bagi2", "foto2": the Indonesian reduplication written with a digit.
      const redup = /^(\p{L}{2,})2$/u.exec(w);
      const parts = redup ? [redup[1]!, redup[1]!] : [w];
      for (const part of parts) {
        const mapped = table[part] ?? part;
        for (const t of mapped.split(' ')) {
          tokens.push(t);
          sentence.push(si);
        }
      }
    }
  });
  joinPhrases(tokens, sentence, phrases);
  const offsets: number[] = [];
  let padded = ' ';
  for (const t of tokens) {
    offsets.push(padded.length);
    padded += `${t} `;
  }
  return { tokens, padded, offsets, sentence, questions, commaAfter };
}

/**
 * Replaces each multi-word phrase of `phrases` by its token(s), within a sentence: "terima kasih"
 * becomes one token, and "bkn asn" becomes "bukan asn" (there "bkn" is "bukan", not the agency).
 */
function joinPhrases(tokens: string[], sentence: number[] | undefined, phrases: Record<string, string>): void {
  const entries = Object.entries(phrases).map(([k, v]) => [k.split(' '), v.split(' ')] as const);
  if (entries.length === 0) return;
  for (let i = 0; i < tokens.length; i++) {
    for (const [words, replacement] of entries) {
      if (words.every((w, j) => tokens[i + j] === w && (!sentence || sentence[i + j] === sentence[i]))) {
        tokens.splice(i, words.length, ...replacement);
        sentence?.splice(i, words.length, ...replacement.map(() => sentence[i]!));
        // The replacement's own words are not matched again (it may start with the phrase's word).
        i += replacement.length - 1;
        break;
      }
    }
  }
}

function tokenAt(text: NormalizedText, charIndex: number): number {
  // Binary search for the last token starting at or before charIndex.
  let lo = 0;
  let hi = text.offsets.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (text.offsets[mid]! <= charIndex) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Compiles one lexicon pattern (see the header of situation.yaml) into a regular expression over
 * {@link NormalizedText.padded}: tokens separated by spaces; `a|b` alternatives; `kata*` prefix;
 * `[a|b]` optional; `~` / `~N` a gap of up to 3 / N tokens.
 */
const wordSets = new WeakMap<NormalizedText, Set<string>>();

/** The distinct tokens of a text, computed once per text (every pattern set asks for them). */
function wordsOf(text: NormalizedText): Set<string> {
  let w = wordSets.get(text);
  if (!w) {
    w = new Set(text.tokens);
    wordSets.set(text, w);
  }
  return w;
}

/**
 * The literal starts of a compiled pattern's first word, read back from its source: `(?<= )(?:a|b\\S*) …`
 * gives [" a ", " b"]. Undefined when the first word is optional or not a plain alternation.
 */
function firstWordAnchors(re: RegExp): string[] | undefined {
  const m = /^\(\?<= \)\(\?:([^()]*)\)(\(\?:nya\)\?)?( |\(\?=|\(\?:\\S)/.exec(re.source);
  if (!m) return undefined;
  const nya = m[2] !== undefined;
  const out: string[] = [];
  for (const alt of m[1]!.split('|')) {
    const prefix = alt.endsWith('\\S*') ? alt.slice(0, -3) : undefined;
    const word = (prefix ?? alt).replace(/\\(.)/g, '$1');
    if (word.length === 0 || /[\\[\]().?+*^$]/.test(word)) return undefined;
    out.push(prefix !== undefined ? ` ${word}` : ` ${word} `);
    if (nya && prefix === undefined) out.push(` ${word}nya `);
  }
  return out;
}

/** Words too short or too grammatical to read through a "-nya" ("dia", "tidaknya", "adanya"). */
const NO_NYA = new Set([
  // "pembicaranya politisi": the event's speakers, named after it, not a role of the user.
  'pembicara',
  'tidak', 'bukan', 'belum', 'tanpa', 'sudah', 'harus', 'boleh', 'hanya', 'punya', 'sama', 'untuk', 'dengan', 'kata', 'tanya', 'waktu', 'akhir', 'awal', 'biasa', 'benar', 'sebenar', 'lagi', 'atas', 'bawah', 'dalam', 'luar']);
function takesNya(alt: string): boolean {
  return /^\p{L}{4,}$/u.test(alt) && !alt.endsWith('nya') && !NO_NYA.has(alt);
}

export function compilePattern(pattern: string, table: Record<string, string> = {}, phrases: Record<string, string> = {}): RegExp {
  // Literal words go through the same spelling table as questions; a word that expands to several
  // ("gpp" → "tidak apa apa") is spliced in as separate tokens, and phrases are joined as in questions.
  const parts = pattern
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .flatMap((p) => (/^[\p{L}\p{N}']+$/u.test(p) && table[p] ? table[p]!.split(' ') : [p]));
  joinPhrases(parts, undefined, phrases);
  if (parts.length === 0 || parts[0] === '') throw new Error('pola kosong');
  let body = '';
  let needSpace = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const gap = /^~(\d)?$/.exec(part);
    if (gap) {
      if (i === 0 || i === parts.length - 1) throw new Error('celah ~ tidak boleh di awal atau akhir');
      const n = Number(gap[1] ?? 3);
      // Lazy: the shortest gap first, so a match stays inside one sentence when it can.
      body += `(?:\\S+ ){0,${n}}?`;
      continue;
    }
    const optional = part.startsWith('[') && part.endsWith(']');
    const inner = optional ? part.slice(1, -1) : part;
    const alts = inner.split('|').filter(Boolean);
    if (alts.length === 0) throw new Error(`bagian kosong "${part}"`);
    const alt = alts
      .map((a) => {
        if (/[^\p{L}\p{N}'*]/u.test(a)) throw new Error(`karakter tidak dikenal di "${a}"`);
        if (a.endsWith('*')) return `${escapeRe(a.slice(0, -1))}\\S*`;
        const mapped = table[a];
        return escapeRe(mapped && !mapped.includes(' ') ? mapped : a);
      })
      .join('|');
    // "timsesnya", "calegnya", "kampanyenya": the enclitic -nya ("his/her/the") leaves the word the
    // pattern names. Short and function words keep their exact form ("tidaknya" is "whether").
    const token = alts.every(takesNya) ? `(?:${alt})(?:nya)?` : `(?:${alt})`;
    if (optional) {
      body += `(?:${token} )?`;
      needSpace = false;
    } else {
      body += `${token} `;
      needSpace = true;
    }
  }
  if (!needSpace) throw new Error('pola harus diakhiri kata wajib');
  // Drop the trailing space of the last token; the lookbehind/lookahead make tokens whole.
  return new RegExp(`(?<= )${body.slice(0, -1)}(?= )`, 'gu');
}
