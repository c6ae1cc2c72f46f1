import { z } from 'zod';

/** The six verdicts an answer can carry; see README "Kontrak jawaban". */
export const VERDICTS = ['dilarang', 'boleh', 'boleh_bersyarat', 'informasi', 'tidak_pasti', 'di_luar_topik'] as const;
export const VerdictSchema = z.enum(VERDICTS);
export type Verdict = z.infer<typeof VerdictSchema>;

/** One citation: `quote` is always a verbatim substring of the knowledge document `sourceId`. */
export const CitationSchema = z.object({
  sourceId: z.string().min(1),
  title: z.string().min(1),
  ref: z.string().min(1),
  quote: z.string().min(1),
  url: z.string().optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

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
