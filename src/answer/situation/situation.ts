import { z } from 'zod';

/**
 * The situation a question describes, read once from the text by {@link readSituation} and used by
 * every later stage (decision rules, composers, the LLM guard, conversation memory). Nothing after
 * the reader looks at the raw words again. Each facet keeps the words it rests on, so a logged
 * answer shows why the rules decided as they did.
 */

/** What the user is doing with the message. */
export const SPEECH_ACTS = [
  'conduct', // asks whether an act is allowed (own plan, someone else's act, or a general rule)
  'report_how', // asks how or where to report
  'sanction', // asks the consequence of an act
  'official_said', // asks what an official or a news article said
  'date_stage', // asks a date, the stage of the elections, or what is in force today
  'article_text', // asks for the text of an article
  'overview', // asks for the rules in general ("apa saja larangan …")
  'greeting',
  'thanks',
  'recommendation', // asks which party or candidate to choose
  'off_topic',
  'empty',
] as const;
export type SpeechAct = (typeof SPEECH_ACTS)[number];

/** A facet value with the words it rests on. */
export const FacetValueSchema = z.object({ id: z.string(), restsOn: z.string() });
export type FacetValue = z.infer<typeof FacetValueSchema>;

export const ActorSchema = z.object({
  /** Whose act the question is about: the user, someone else, or nobody in particular ("bolehkah PNS …"). */
  who: z.enum(['self', 'other', 'generic']),
  /** For `other`: which kind of person (spouse, superior, colleague … from the lexicon's persons). */
  person: z.string().optional(),
  status: FacetValueSchema.optional(),
  roles: z.array(FacetValueSchema),
});
export type Actor = z.infer<typeof ActorSchema>;

export const CircumstanceValueSchema = z.object({ value: z.boolean(), restsOn: z.string() });

export const SituationSchema = z.object({
  language: z.enum(['id', 'en']),
  speech: z.object({ act: z.enum(SPEECH_ACTS), restsOn: z.string() }),
  /** The user asks whether something is allowed (boleh, melanggar, aman …), besides what else they ask. */
  asksPermission: z.boolean(),
  /** The user wants to know how or where to report (also alongside a conduct question). */
  wantsToReport: z.boolean(),
  /** The user describes what someone else (an ASN or official) did. */
  incident: z.boolean(),
  /** The message tries to change Netra's rules. */
  injection: z.boolean(),
  /** The user relays a claim that a rule was repealed, changed or officially relaxed. */
  claimsRepeal: z.boolean(),
  /** The user asks how not to be found out. */
  evasion: z.boolean(),
  /** The user's own status, when stated ("saya PPPK"). */
  asker: z.object({ status: FacetValueSchema.optional() }),
  /** Who does the act asked about. */
  actor: ActorSchema,
  /** Acts the question is about (not negated), most specific first. */
  acts: z.array(FacetValueSchema),
  /** Acts the candidate's side does in the story ("caleg kasih sambutan", "tim bagi kaos"): context for exceptions. */
  candidateActs: z.array(FacetValueSchema),
  /** Acts the question says were NOT done ("tidak komen, tidak like"). */
  negatedActs: z.array(FacetValueSchema),
  targets: z.array(FacetValueSchema),
  /** Every status the question names ("beda gak buat PNS, CPNS dan PPPK?"), for consequences per status. */
  mentionedStatuses: z.array(z.string()),
  circumstances: z.record(z.string(), CircumstanceValueSchema),
  /** For a question about today: which current-state facts it asks (tahapan, pemilu_berikutnya …). */
  todayTopics: z.array(z.string()),
  /** A date the act happened or will happen on, when the question gives one (ISO). */
  date: z.string().optional(),
  /** How clearly the words are about elections and politics. */
  topic: z.enum(['strong', 'weak', 'none']),
  /** Words of a topic Netra does not cover (pay, leave, promotions …). */
  offTopicWords: z.boolean(),
  /** A short message that only makes sense after the previous one ("kalau cuma like saja?"). */
  followUp: z.boolean(),
  /** Facts carried over from the previous question of the conversation, by facet. */
  carried: z.array(z.string()),
});
export type Situation = z.infer<typeof SituationSchema>;

/** The ASN statuses: whom the neutrality rules for civil servants bind. */
export const ASN_STATUSES = new Set(['pns', 'pppk', 'cpns', 'asn']);

/** A compact one-line summary for logs: facet ids only, never the question's words. */
export function describeSituation(s: Situation): Record<string, unknown> {
  return {
    speech: s.speech.act,
    actor: `${s.actor.who}${s.actor.person ? `:${s.actor.person}` : ''}${s.actor.status ? `/${s.actor.status.id}` : ''}`,
    asker: s.asker.status?.id,
    acts: s.acts.map((a) => a.id),
    candidateActs: s.candidateActs.map((a) => a.id),
    negated: s.negatedActs.map((a) => a.id),
    targets: s.targets.map((t) => t.id),
    circumstances: Object.fromEntries(Object.entries(s.circumstances).map(([k, v]) => [k, v.value])),
    flags: [
      s.asksPermission && 'asks',
      s.wantsToReport && 'report',
      s.incident && 'incident',
      s.injection && 'injection',
      s.claimsRepeal && 'claim',
      s.followUp && 'follow-up',
    ].filter(Boolean),
  };
}
