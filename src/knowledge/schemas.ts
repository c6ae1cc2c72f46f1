import { z } from 'zod';

const docId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'id hanya huruf kecil, angka, "-", "_" dan "."');

/**
 * How sure a section's text is (SOURCES.md): A the official text (clean copy or checked OCR from a
 * regulation corpus), B OCR of the official document or the text as quoted by an official body,
 * C quoted in news. D (paraphrase) is never stored in knowledge/, so it is rejected here.
 */
export const GRADES = ['A', 'B', 'C'] as const;
export type Grade = (typeof GRADES)[number];
export const GradeSchema = z.enum(GRADES, {
  error: (issue) =>
    issue.input === 'D'
      ? 'tingkat D (parafrase) tidak boleh ada di knowledge/: hapus bagian itu atau cari teks yang dikutip (A/B/C)'
      : 'tingkat harus A (teks resmi), B (OCR teks resmi / dikutip lembaga resmi) atau C (dikutip media)',
});

/**
 * Where a section's text comes from, as users are told: derived from the grade unless set
 * (`dikutip_lembaga_resmi` is grade B text quoted by an official body such as mkri.id, not OCR).
 */
export const PROVENANCES = ['teks_resmi', 'ocr_teks_resmi', 'dikutip_lembaga_resmi', 'dikutip_media'] as const;
export type Provenance = (typeof PROVENANCES)[number];

const httpUrl = z.string().regex(/^https?:\/\/\S+$/, 'harus alamat http(s) lengkap');

/**
 * Grade and source of one section (`sections: {"Pasal 494": {grade: C, source: "https://…"}}`).
 * A field left out is taken from the nearest listed parent ref, then from the file (`grade`, `source_url`).
 */
export const SectionProvenanceSchema = z
  .object({
    grade: GradeSchema.optional(),
    /** The page the text was taken from. */
    source: httpUrl.optional(),
    /** An official page showing this section, linked instead of `source` when known (e.g. mkri.id). */
    page: httpUrl.optional(),
    provenance: z.enum(PROVENANCES).optional(),
    /** The section that replaced this one (e.g. PP 11/2017 Pasal 254 ayat (4) → PP 17/2020). */
    superseded_by: z.object({ doc: docId, ref: z.string().min(3) }).strict().optional(),
    note: z.string().optional(),
  })
  .strict()
  .refine((p) => p.grade === undefined || p.provenance === undefined || provenanceFitsGrade(p.grade, p.provenance), {
    message: 'provenance tidak cocok dengan grade (A: teks_resmi; B: ocr_teks_resmi atau dikutip_lembaga_resmi; C: dikutip_media)',
    path: ['provenance'],
  });
export type SectionProvenance = z.infer<typeof SectionProvenanceSchema>;

/** The provenance a grade implies when a section does not name one. */
export function defaultProvenance(grade: Grade): Provenance {
  return grade === 'A' ? 'teks_resmi' : grade === 'B' ? 'ocr_teks_resmi' : 'dikutip_media';
}

export function provenanceFitsGrade(grade: Grade, provenance: Provenance): boolean {
  return grade === 'B' ? provenance === 'ocr_teks_resmi' || provenance === 'dikutip_lembaga_resmi' : provenance === defaultProvenance(grade);
}

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
    /** Grade of every section not listed in `sections`; leave it out when the file's sections differ. */
    grade: GradeSchema.optional(),
    /** Grade and source per citation ref; the most specific listed ref wins. */
    sections: z.record(z.string().min(2), SectionProvenanceSchema).default({}),
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
    /** The target of the act is one of these (for a permissive exception: every target named is). */
    targets: z.array(FacetId).optional(),
    /** Each of these targets is named ("a private family group"). */
    with_targets: z.array(FacetId).optional(),
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
  with_targets?: string[];
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

/** A fact about the election timeline is B (an official body's own site) or C (news); never law text. */
const FactGradeSchema = z.enum(['B', 'C'], { error: 'grade fakta kalender: B (situs resmi lembaga) atau C (pemberitaan)' });

/** One stage of an election; `grade`, `source` and `certainty` override the election's own. */
const CalendarStageSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]*$/, 'id tahapan: huruf kecil, angka, "_"'),
    name: z.string().min(3),
    start: isoDate,
    end: isoDate,
    grade: FactGradeSchema.optional(),
    source: httpUrl.optional(),
    certainty: z.string().optional(),
    note: z.string().optional(),
  })
  .loose()
  .refine((s) => s.start <= s.end, { message: 'start setelah end', path: ['end'] });

/**
 * The election calendar in `knowledge/calendar/*.yaml` (all but current-state.yaml). `type`:
 * a regular election (`pemilihan`), a re-vote ordered by the MK (`psu`) or a new election after the
 * empty column won (`pilkada_ulang`); the last two hold only in their `regions`.
 */
export const CalendarSchema = z.array(
  z
    .object({
      id: docId,
      name: z.string(),
      kind: z.enum(['pemilu', 'pilkada']),
      type: z.enum(['pemilihan', 'psu', 'pilkada_ulang']).default('pemilihan'),
      /** Where the election is held when not everywhere ("Kab. Bangka"); empty: nationwide. */
      regions: z.array(z.string().min(3)).default([]),
      source: z.string().optional(),
      source_urls: z.array(httpUrl).min(1, 'setiap pemilihan butuh paling sedikit satu source_urls'),
      grade: FactGradeSchema,
      certainty: z.string().min(10, 'setiap pemilihan butuh certainty (seberapa pasti tanggalnya)'),
      stages: z.array(CalendarStageSchema).min(1),
    })
    .loose()
    .refine((e) => e.type === 'pemilihan' || e.regions.length > 0, {
      message: 'PSU dan pilkada ulang harus menyebut regions (daerahnya)',
      path: ['regions'],
    }),
);
export type ElectionCalendar = z.infer<typeof CalendarSchema>;

/** A source of a timeline fact: a page (`url`) or, when only the outlet is known, its name. */
const FactSourceSchema = z
  .object({ name: z.string().min(3), url: httpUrl.optional(), date: isoDate.optional() })
  .strict();

/** What every fact of the current state carries: the sentence to say, its basis and how sure it is. */
const factFields = {
  text_id: z.string().min(20),
  text_en: z.string().min(20),
  /** A: read from an official text; B: an official body's page or an OCR of law text; C: news. */
  grade: GradeSchema,
  /** Law passages the fact rests on; each must resolve in knowledge/regulations. */
  basis: z.array(BasisRefSchema).default([]),
  sources: z.array(FactSourceSchema).default([]),
  /** The date the fact is known to hold (the newest source). */
  as_of: isoDate,
};

const fact = <T extends z.ZodRawShape>(data: T) =>
  z
    .object({ ...factFields, data: z.object(data).strict() })
    .strict()
    .refine((f) => f.basis.length > 0 || f.sources.some((s) => s.url !== undefined), {
      message: 'fakta butuh basis (doc + ref) atau paling sedikit satu sumber dengan url',
      path: ['basis'],
    });

const nullableIsoDate = isoDate.nullable();

/**
 * `knowledge/calendar/current-state.yaml`: the state of the election timeline as data, for
 * questions about "now" ("sekarang masa kampanye?", "kapan pemilu berikutnya?"). Every fact says
 * what is known, on what basis, and as of when; `null` means not known from the sources.
 */
export const CurrentStateSchema = z
  .object({
    /** The date the timeline is known to (the newest stored source). Answers must say it. */
    checked_on: isoDate,
    /** When the stored sources were searched (facts after `checked_on` were looked for and not found). */
    compiled_on: isoDate,
    /** Whether any Pemilu/Pilkada stage is running on `checked_on` (checked against the calendar). */
    stage_running: z.boolean(),
    facts: z
      .object({
        /** "Sekarang masa kampanye?" */
        tahapan: fact({ stage_running: z.boolean(), last_stage_ended: nullableIsoDate, next_stages_expected: z.string().nullable() }),
        /** "Kapan pemilu berikutnya?" */
        pemilu_berikutnya: fact({
          year: z.number().int().min(2024).max(2100),
          voting_date: nullableIsoDate,
          stages_start_months_before: z.number().int().min(1),
        }),
        /** "Pemilu dan pilkada masih serentak?" */
        keserentakan: fact({
          same_day: z.boolean(),
          national_year: z.number().int(),
          local_year_estimate: z.number().int(),
          local_latest: z.string(),
          implementing_law_enacted: z.boolean().nullable(),
        }),
        /** "UU pemilu baru sudah disahkan?" */
        ruu_pemilu: fact({
          status: z.enum(['penyusunan', 'pembahasan', 'disahkan']),
          enacted: z.boolean().nullable(),
          target_draft: z.string().nullable(),
          target_discussion: z.string().nullable(),
          target_completion: z.string().nullable(),
          ruu_pilkada_in_prolegnas_2026: z.boolean().nullable(),
        }),
        /** "KASN masih ada?" */
        kasn: fact({ exists: z.boolean(), functions_moved_to: z.array(z.string()).min(1) }),
        /** MK 121: the independent merit-supervision body and its deadline. */
        lembaga_independen: fact({ deadline: isoDate, formed: z.boolean().nullable() }),
      })
      .strict(),
  })
  .strict()
  .refine((s) => s.checked_on <= s.compiled_on, { message: 'checked_on tidak boleh setelah compiled_on', path: ['checked_on'] });
export type CurrentState = z.infer<typeof CurrentStateSchema>;
export type CurrentStateFactId = keyof CurrentState['facts'];

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
    /** A regulation needs a grade (A/B/C) for its text, here or per section. */
    grade: GradeSchema.optional(),
    sections: z.record(z.string().min(2), SectionProvenanceSchema).default({}),
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
