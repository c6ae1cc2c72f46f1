import type { LegalNode } from './legal-structure.js';
import type { DocumentProvenance } from './provenance.js';
import type { NormalizeLexiconFile, SituationLexiconFile } from './lexicon.js';
import type { BasisRef, CaseCardFrontMatter, CurrentState, ElectionCalendar } from './schemas.js';

/** Regulations are law text (or the news-reported annex); news is guidance about what officials said. */
export type DocumentKind = 'regulation' | 'news';

/** One source document of `knowledge/`, with its text exactly as stored. */
export interface KnowledgeDocument {
  id: string;
  kind: DocumentKind;
  title: string;
  /** Short citation name, e.g. `PP 94/2021`. */
  shortName: string;
  /** Other names people use for it, from the short name's parenthesis ("UU Pemilu", "Kode Etik PNS"). */
  aliases?: string[];
  /** The number as promulgated ("94"), for recognising "PP 94/2021" or "PP Nomor 94 Tahun 2021" in a question. */
  number?: string;
  type: string;
  /** `berlaku`, `dicabut` (repealed) or `sekunder` (news-reported text); news is always `berita`. */
  status: 'berlaku' | 'dicabut' | 'sekunder' | 'berita';
  replacedBy?: string;
  url?: string;
  /** Regulations: the grade and source of each section (front matter `grade`, `source_url`, `sections`). */
  provenance?: DocumentProvenance;
  year?: number;
  /** ISO date of a news article, when known. */
  date?: string | null;
  outlet?: string;
  /** Path relative to the knowledge directory. */
  file: string;
  /** The text quotes are taken from (the file itself, or text extracted from a PDF/HTML). */
  text: string;
  bodyOffset: number;
  /** Legal structure nodes (regulations) or paragraphs (news). */
  nodes: LegalNode[];
  /** Content hash of the source file(s), for incremental re-index. */
  hash: string;
}

/** A curated case card with its explanation body. */
export type CaseCard = CaseCardFrontMatter & { body: string; file: string; hash: string };

/** A card's basis resolved against the regulation it cites. */
export interface ResolvedBasis extends BasisRef {
  document: KnowledgeDocument;
  node: LegalNode;
}

export interface KnowledgeBase {
  documents: KnowledgeDocument[];
  cards: CaseCard[];
  calendar: ElectionCalendar;
  /** knowledge/calendar/current-state.yaml: what is known about "now" (next elections, KASN, the RUU Pemilu). */
  currentState: CurrentState;
  /** Hash of the calendar file(s) and the current state, so a change of either counts as a knowledge change. */
  calendarHash: string;
  /** The situation vocabulary (knowledge/lexicon), as validated; the answer layer compiles it. */
  lexicon: { situation: SituationLexiconFile; normalize: NormalizeLexiconFile };
  /** Hash of the lexicon files: a vocabulary change is a knowledge change too. */
  lexiconHash: string;
}

/** Everything wrong with `knowledge/`, each line naming the file and the field at fault. */
export class KnowledgeValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Pengetahuan tidak valid (${problems.length} masalah):\n- ${problems.join('\n- ')}`);
    this.name = 'KnowledgeValidationError';
  }
}
