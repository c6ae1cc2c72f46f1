import { z } from 'zod';

const docId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'id hanya huruf kecil, angka, "-", "_" dan "."');

/** Front matter of a regulation in `knowledge/regulations/`. Unknown keys (corpus notes) are kept. */
export const RegulationFrontMatterSchema = z
  .object({
    id: docId,
    title: z.string().min(5),
    short_name: z.string().optional(),
    type: z.string().min(2),
    number: z.union([z.string(), z.number()]).optional(),
    year: z.number().int().min(1945).max(2100),
    status: z.enum(['berlaku', 'dicabut', 'sekunder']),
    replaced_by: docId.optional(),
    source_url: z.string().min(8),
    completeness: z.string().optional(),
    text_notes: z.string().optional(),
    status_note: z.string().optional(),
  })
  .loose()
  .refine((r) => r.status !== 'dicabut' || r.replaced_by !== undefined, {
    message: 'status "dicabut" membutuhkan replaced_by',
    path: ['replaced_by'],
  });
export type RegulationFrontMatter = z.infer<typeof RegulationFrontMatterSchema>;

/** Front matter of a news article in `knowledge/news/`. */
export const NewsFrontMatterSchema = z
  .object({
    id: docId,
    title: z.string().min(5),
    type: z.literal('berita'),
    outlet: z.string().min(2),
    place: z.string().min(2),
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'format tanggal YYYY-MM-DD')
      .nullable(),
    date_text: z.string().optional(),
    source: z.string().optional(),
    url: z.string().optional(),
  })
  .loose();
export type NewsFrontMatter = z.infer<typeof NewsFrontMatterSchema>;

export const BasisRefSchema = z.object({
  doc: docId,
  ref: z.string().min(3),
  /** Optional exact excerpt of the passage to show; must be a verbatim substring of it. */
  quote: z.string().min(3).optional(),
});
export type BasisRef = z.infer<typeof BasisRefSchema>;

export const CARD_VERDICTS = ['dilarang', 'boleh', 'boleh_bersyarat', 'tidak_pasti', 'informasi'] as const;

/** A curated case card in `knowledge/cases/`: conduct → verdict → legal basis → sanction. */
export const CaseCardSchema = z
  .object({
    id: docId,
    title: z.string().min(5),
    topic: z.string().min(3),
    verdict: z.enum(CARD_VERDICTS),
    applies_to: z.array(z.string()).default(['PNS']),
    phrasings: z.array(z.string().min(5)).min(2),
    conditions: z.array(z.string().min(3)).default([]),
    basis: z.array(BasisRefSchema).min(1),
    sanction: z.string().default(''),
    sanction_basis: z.array(BasisRefSchema).default([]),
    decides: z.string().optional(),
    notes: z.string().optional(),
    summary_en: z.string().optional(),
    /** English versions for answers in English; each falls back to the Indonesian field when absent. */
    body_en: z.string().optional(),
    sanction_en: z.string().optional(),
    conditions_en: z.array(z.string()).optional(),
    decides_en: z.string().optional(),
  })
  .loose()
  .refine((c) => c.conditions_en === undefined || c.conditions_en.length === c.conditions.length, {
    message: 'conditions_en harus sepanjang conditions (satu terjemahan per syarat)',
    path: ['conditions_en'],
  })
  .refine((c) => c.verdict !== 'boleh_bersyarat' || c.conditions.length > 0, {
    message: 'verdict boleh_bersyarat membutuhkan daftar conditions',
    path: ['conditions'],
  });
export type CaseCardFrontMatter = z.infer<typeof CaseCardSchema>;

const isoDate = z.union([
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'format tanggal YYYY-MM-DD'),
  z.date().transform((d) => d.toISOString().slice(0, 10)),
]);

/** The election calendar in `knowledge/calendar/*.yaml`. */
export const CalendarSchema = z.array(
  z
    .object({
      id: docId,
      name: z.string(),
      kind: z.enum(['pemilu', 'pilkada']),
      source: z.string().optional(),
      certainty: z.string().optional(),
      stages: z
        .array(z.object({ id: z.string(), name: z.string(), start: isoDate, end: isoDate }).loose())
        .min(1),
    })
    .loose()
    .refine((e) => e.stages.every((s) => s.start <= s.end), { message: 'tahapan dengan start setelah end' }),
);
export type ElectionCalendar = z.infer<typeof CalendarSchema>;

/** Sidecar metadata (`<file>.meta.yaml`) for a .txt/.html/.pdf dropped into knowledge/. */
export const SidecarSchema = z
  .object({
    id: docId.optional(),
    title: z.string().optional(),
    kind: z.enum(['regulation', 'news']).optional(),
    type: z.string().optional(),
    year: z.number().int().optional(),
    status: z.enum(['berlaku', 'dicabut', 'sekunder']).optional(),
    replaced_by: docId.optional(),
    source_url: z.string().optional(),
    outlet: z.string().optional(),
    place: z.string().optional(),
    date: z.string().nullable().optional(),
  })
  .loose();
export type Sidecar = z.infer<typeof SidecarSchema>;

/** Formats the first zod issue as "field: message" for an admin-facing error line. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
