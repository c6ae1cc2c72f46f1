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

const FacetId = z.string().regex(/^[a-z][a-z0-9_]*$/, 'id kosakata (knowledge/lexicon/situation.yaml)');

/**
 * A condition on the situation read from a question; every key given must hold. Ids refer to
 * knowledge/lexicon/situation.yaml and are checked at re-index.
 */
export const SituationConditionSchema: z.ZodType<SituationConditionShape> = z
  .object({
    /** The actor's status is one of these. */
    actors: z.array(FacetId).optional(),
    /** The target of the act is one of these. */
    targets: z.array(FacetId).optional(),
    /** Each listed circumstance is stated as true (`true`) or as not so (`false`). */
    circumstances: z.record(FacetId, z.boolean()).optional(),
    /** Every act in the question is among these (the question asks about nothing else). */
    only_acts: z.array(FacetId).optional(),
    /** At least one of these acts is in the question. */
    any_acts: z.array(FacetId).optional(),
    /** The candidate's side does at least one of these at the event ("caleg kasih sambutan", "bagi kalender"). */
    candidate_acts: z.array(FacetId).optional(),
    /** At least one of these conditions holds (e.g. off duty, or on leave). */
    get any_of() {
      return z.array(SituationConditionSchema).min(2).optional();
    },
  })
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'kondisi kosong' });
/** A condition on a situation (see {@link SituationConditionSchema}). */
export interface SituationConditionShape {
  actors?: string[];
  targets?: string[];
  circumstances?: Record<string, boolean>;
  only_acts?: string[];
  any_acts?: string[];
  candidate_acts?: string[];
  any_of?: SituationConditionShape[];
}
export type SituationCondition = SituationConditionShape;

/** What a card covers: the acts it is about, toward which targets, for which actors. */
export const CardSituationSchema = z
  .object({
    acts: z.array(FacetId).min(1),
    /** Empty: any target. */
    targets: z.array(FacetId).default([]),
    /** The statuses the card's rule binds; empty: the ASN statuses in `applies_to`. */
    actors: z.array(FacetId).default([]),
    /** The card only fits when this holds too (e.g. a card about someone who already resigned). */
    requires: SituationConditionSchema.optional(),
  })
  .strict();
export type CardSituation = z.infer<typeof CardSituationSchema>;

/** A circumstance that takes a case outside the card's rule, with the verdict and basis that then apply. */
export const CardExceptionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/),
    when: SituationConditionSchema,
    /** The exception does not hold when this does (a family event where the candidate campaigns is no longer just a family event). */
    unless: SituationConditionSchema.optional(),
    verdict: z.enum(CARD_VERDICTS),
    /** The explanation that replaces the card's body for this case. */
    explain: z.string().min(20),
    explain_en: z.string().optional(),
    conditions: z.array(z.string().min(3)).default([]),
    conditions_en: z.array(z.string()).optional(),
    /** The texts the exception rests on; the card's basis when empty. */
    basis: z.array(BasisRefSchema).default([]),
  })
  .strict()
  .refine((e) => e.verdict !== 'boleh_bersyarat' || e.conditions.length > 0, {
    message: 'verdict boleh_bersyarat membutuhkan conditions',
    path: ['conditions'],
  });
export type CardException = z.infer<typeof CardExceptionSchema>;

/**
 * A fact that decides between the card's rule and one of its exceptions. When the question does
 * not state it, the answer gives both branches and asks (`ask` / `ask_en`, with `options` as quick replies).
 */
export const DecidingFactSchema = z
  .object({
    circumstance: FacetId,
    ask: z.string().min(5),
    ask_en: z.string().optional(),
    /** Replies offered as buttons; each is a short sentence the reader understands ("Fotonya tidak diunggah"). */
    options: z.array(z.string().min(2)).min(2).max(4),
    options_en: z.array(z.string()).optional(),
  })
  .strict();
export type DecidingFact = z.infer<typeof DecidingFactSchema>;

/** The consequence of the card's act for one status, with its own basis. */
export const ConsequenceSchema = z
  .object({
    text: z.string().min(10),
    text_en: z.string().optional(),
    basis: z.array(BasisRefSchema).default([]),
  })
  .strict();
export type Consequence = z.infer<typeof ConsequenceSchema>;

/** Status keys a card's `consequences` may use. */
export const CONSEQUENCE_STATUSES = ['pns', 'pppk', 'cpns', 'non_asn_staff', 'pejabat', 'kepala_daerah', 'kepala_desa', 'pidana'] as const;

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
    /** The situation the card covers (issue 10): what the decision rules match a question against. */
    situation: CardSituationSchema.optional(),
    exceptions: z.array(CardExceptionSchema).default([]),
    deciding: z.array(DecidingFactSchema).default([]),
    /** Consequences per status (PNS, PPPK, CPNS, non-ASN staff …), shown for the asker's status. */
    consequences: z.partialRecord(z.enum(CONSEQUENCE_STATUSES), ConsequenceSchema).default({}),
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
