import { z } from 'zod';

/** The six verdicts an answer can carry; see README "Kontrak jawaban". */
export const VERDICTS = ['dilarang', 'boleh', 'boleh_bersyarat', 'informasi', 'tidak_pasti', 'di_luar_topik'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * Where a citation's text comes from, as the reader is told: the official text (grade A), an OCR
 * of it or its quotation by an official body (grade B), a quotation in news (grade C), or a news
 * article cited as news (not law text).
 */
export const CITATION_PROVENANCES = ['teks_resmi', 'ocr_teks_resmi', 'dikutip_lembaga_resmi', 'dikutip_media', 'berita'] as const;
export type CitationProvenance = (typeof CITATION_PROVENANCES)[number];

/**
 * One citation: `quote` is always a verbatim substring of the knowledge document `sourceId`.
 * `title` is the short name ("UU 8/2015"). The provenance fields are optional so older clients
 * and stored answers stay valid.
 */
export const CitationSchema = z.object({
  sourceId: z.string().min(1),
  title: z.string().min(1),
  ref: z.string().min(1),
  quote: z.string().min(1),
  /** Kept for older clients; new ones link `sourceUrl`. */
  url: z.string().optional(),
  /** How sure the text is: A official text, B OCR of it / quoted by an official body, C quoted in news. */
  grade: z.enum(['A', 'B', 'C']).optional(),
  provenance: z.enum(CITATION_PROVENANCES).optional(),
  /** The page showing this section: the official page when known, else the page the text was taken from. */
  sourceUrl: z.string().optional(),
  /** The site of `sourceUrl` ("ameg.disway.id"), so a news page is never shown under the law's name alone. */
  sourceName: z.string().optional(),
  /** Set when the section is no longer in force: the passage that replaced it ("PP 17/2020 Pasal 254 ayat (4)"). */
  supersededBy: z.string().optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

/** What each provenance is called in answers, per language. */
export const PROVENANCE_LABELS: Record<'id' | 'en', Record<CitationProvenance, string>> = {
  id: {
    teks_resmi: 'teks resmi',
    ocr_teks_resmi: 'OCR teks resmi',
    dikutip_lembaga_resmi: 'dikutip lembaga resmi',
    dikutip_media: 'dikutip media',
    berita: 'berita',
  },
  en: {
    teks_resmi: 'official text',
    ocr_teks_resmi: 'OCR of the official text',
    dikutip_lembaga_resmi: 'quoted by an official body',
    dikutip_media: 'quoted in news',
    berita: 'news article',
  },
};

/**
 * The one-line provenance note every channel shows under a citation, e.g. "Dikutip media —
 * grid.id" or "Official text — github.com/mblonyox/data-peraturan · no longer in force, replaced
 * by PP 17/2020 Pasal 254 ayat (4)"; undefined for a citation without provenance (an older
 * client's or stored answer).
 */
export function provenanceNote(citation: Citation, language: 'id' | 'en'): string | undefined {
  if (!citation.provenance) return undefined;
  const label = PROVENANCE_LABELS[language][citation.provenance];
  const head = `${label.charAt(0).toUpperCase()}${label.slice(1)}${citation.sourceName ? ` — ${citation.sourceName}` : ''}`;
  if (!citation.supersededBy) return head;
  return `${head} · ${language === 'en' ? 'no longer in force, replaced by' : 'tidak berlaku lagi, diganti'} ${citation.supersededBy}`;
}

/**
 * The answer contract shared by every channel, the HTTP API and `npm run ask -- --json`.
 * Adapters render it; they never change its content.
 */
export const AnswerSchema = z.object({
  question: z.string(),
  verdict: VerdictSchema,
  answer: z.string(),
  citations: z.array(CitationSchema),
  escalate: z.boolean(),
  followUps: z.array(z.string()).optional(),
  /** The language the answer is written in; adapters use it for labels ("DILARANG" / "NOT ALLOWED"). */
  language: z.enum(['id', 'en']).optional(),
});
export type Answer = z.infer<typeof AnswerSchema>;

/** Human labels for verdicts, per language. */
export const VERDICT_LABELS: Record<'id' | 'en', Record<Verdict, string>> = {
  id: {
    dilarang: 'DILARANG',
    boleh: 'BOLEH',
    boleh_bersyarat: 'BOLEH DENGAN SYARAT',
    informasi: 'INFORMASI',
    tidak_pasti: 'BELUM PASTI',
    di_luar_topik: 'DI LUAR TOPIK',
  },
  en: {
    dilarang: 'NOT ALLOWED',
    boleh: 'ALLOWED',
    boleh_bersyarat: 'ALLOWED WITH CONDITIONS',
    informasi: 'INFORMATION',
    tidak_pasti: 'UNCERTAIN',
    di_luar_topik: 'OUT OF SCOPE',
  },
};

/** One emoji per verdict, the same on every channel so users learn to read it at a glance. */
export const VERDICT_EMOJI: Record<Verdict, string> = {
  dilarang: '⛔',
  boleh: '✅',
  boleh_bersyarat: '⚠️',
  informasi: 'ℹ️',
  tidak_pasti: '❓',
  di_luar_topik: '💬',
};
