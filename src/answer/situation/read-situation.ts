import type { KnowledgeBase } from '../../knowledge/knowledge-base.js';
import type { CompiledEntry, NormalizedText, PatternHit, SituationLexicon } from '../../knowledge/lexicon.js';
import { lexiconOf } from './compiled-lexicon.js';
import { timingNear } from './date-near.js';
import { findDate } from './find-date.js';
import { ASN_STATUSES, type FacetValue, type Situation, SituationSchema, type SpeechAct } from './situation.js';

interface Mention extends PatternHit {
  id: string;
}

/**
 * Who an act belongs to: a person mention, the candidate side ("caleg bagi kaos"), what someone
 * only said ("rekan saya bilang tidak usah dilayani"), or nobody named.
 */
type Owner = { kind: 'person'; index: number } | { kind: 'candidate' } | { kind: 'reported' } | { kind: 'none' };

interface ActHit extends Mention {
  negated: boolean;
  owner: Owner;
}

/**
 * When one person is described with several statuses ("pensiunan guru PNS", "PPPK, bukan PNS"),
 * the more specific one wins: a retiree is no longer bound as a PNS, a PPPK who says "bukan PNS"
 * is still an ASN.
 */
const STATUS_PRECEDENCE = [
  'retired', 'former_asn', 'non_asn_staff', 'regional_head', 'village_head', 'tni_polri', 'pppk', 'cpns', 'pns', 'asn', 'not_asn',
];

/** Persons whose acts are an incident to report when they are civil servants or officials. */
const OFFICIAL_PERSONS = new Set(['superior', 'colleague', 'official', 'other_asn', 'subordinate']);
/** Statuses and persons that are offices one can run for ("calon bupati", "nyalon kades"). */
const OFFICE_STATUSES = new Set(['regional_head', 'village_head']);
const OFFICE_PERSONS = new Set(['official', 'superior']);
/** Targets that make a question political by themselves (an RT group or Korpri does not). */
const POLITICAL_TARGETS = new Set(['candidate', 'prospective_candidate', 'party', 'campaign_account', 'family_candidate', 'party_wing_org']);
/** Words that put the speaker right after them ("kata KPU …", "menurut teman saya …"). */
const REPORTING_PREFIXES: ReadonlySet<string> = new Set(['kata', 'menurut', 'according']);
/** Acts done by speaking: when someone "says" them, saying is the act (an appeal, a speech). */
const SPEAKING_ACTS = new Set(['invite_others', 'mobilise', 'speak_at_event', 'support_candidate']);
/** Persons whose acts are theirs, not the user's: family members and neighbours. */
const FAMILY_OR_NEIGHBOUR = new Set(['spouse', 'child', 'parent', 'relative', 'neighbour']);
/** Person words that, right after "saya", describe the user's own job rather than someone else. */
const SELF_DESCRIPTIONS = new Set(['official', 'superior', 'other_asn', 'colleague', 'child']);

/**
 * Reads the situation of a question: who acts (and their status), what act, toward whom, under
 * which circumstances, and what the user asks. `previous` is the situation of the conversation's
 * last question: a follow-up ("kalau cuma like?", "apa sanksinya?", "fotonya tidak diunggah")
 * changes it instead of starting over.
 */
export function readSituation(question: string, kb: KnowledgeBase, previous?: Situation, today?: string): Situation {
  const lex = lexiconOf(kb);
  const text = lex.normalize(question);
  const attr = lex.attribution;
  const n = text.tokens.length;

  // "istri saya PNS, saya nyalon": a target read across a comma joins two clauses (here the user runs, not the wife).
  const acrossComma = (m: PatternHit) => Array.from({ length: m.end - m.start - 1 }, (_, i) => m.start + i).some((i) => text.commaAfter.has(i));
  const targets = mentions(lex.targets, text, true, acrossComma);
  const isOffice = (m: PatternHit) => {
    const before = text.tokens.slice(Math.max(0, m.start - 2), m.start);
    return before.some((t) => attr.officeWords.has(t)) || targets.some((t) => overlaps(t, m) && t.end - t.start > m.end - m.start);
  };
  const persons = findPersons(lex, text, isOffice, targets);
  const antecedent = resolveThirdPersons(persons);
  // "TMT pensiun 1 Januari 2027", "kontrak habis bulan depan": a status that starts later is not the status yet.
  const later = (h: PatternHit) => today !== undefined && timingNear(text, h.start, h.end, lex, today) === 'future';
  const statuses = mentions(lex.statuses, text, true)
    .filter(
      (s) =>
        !(OFFICE_STATUSES.has(s.id) && isOffice(s)) &&
        !text.tokens.slice(Math.max(0, s.start - 2), s.start).some((t) => attr.aspirationWords.has(t)),
    )
    .map((s) => (s.id === 'former_asn' && later(s) ? { ...s, id: /kontrak|pppk/.test(s.text) ? 'pppk' : 'asn', pending: 'contract_ended' } : s.id === 'retired' && later(s) ? { ...s, pending: 'retired_effective' } : s));
  const roles = mentions(lex.roles, text, true).filter((r) => !isOffice(r));

  const speechHits = new Map<string, PatternHit[]>();
  const speechHit = (id: string) => {
    let hits = speechHits.get(id);
    if (!hits) {
      hits = lex.speech.get(id)?.set.find(text) ?? [];
      speechHits.set(id, hits);
    }
    return hits;
  };
  const has = (id: string) => speechHit(id).length > 0;

  // Negation: a cue negates the first act or stated circumstance after it ("tidak komen", "tanpa pose").
  const cues = lex.negation.cues.find(text).filter((c) => {
    const next = text.tokens[c.end];
    const before = text.tokens[c.start - 1];
    // "tidak boleh", "tidak perlu": a modality, not the act negated; "boleh gk saya …", "boleh gk ikut …"
    // (the cue "tidak ikut"): a question tag.
    if (next !== undefined && attr.modalWords.has(next)) return false;
    // ("… gimana? Gak pakai kaos partai": a tag ends its own sentence; the next one's "tidak" negates.)
    const sameSentence = text.sentence[c.start - 1] === text.sentence[c.start];
    if (text.tokens[c.start] === 'tidak' && before !== undefined && sameSentence && attr.questionTags.has(before)) return false;
    return !statuses.some((s) => s.start === c.end || overlaps(s, c));
  });
  // "like akun tim pemenangan": words inside a longer target name are not an act of their own.
  const actHits = mentions(lex.acts, text, true).filter(
    (a) => !targets.some((t) => t.start <= a.start && t.end >= a.end && t.end - t.start > a.end - a.start),
  );
  const circumstanceHits = lex.circumstances.flatMap((c) => c.yes.find(text).map((h) => ({ ...h, id: c.id })));
  const negated = resolveNegation(cues, [...actHits, ...circumstanceHits, ...targets], text, lex);

  // "kakak ipar saya caleg, dia mau kasih sambutan": a person described as a candidate acts as the candidate's side.
  const candidatePersons = new Set(
    persons.flatMap((p, i) =>
      p.id !== 'self' &&
      targets.some(
        (t) =>
          ['candidate', 'prospective_candidate', 'family_candidate'].includes(t.id) &&
          text.sentence[t.start] === text.sentence[p.start] &&
          (overlaps(t, p) ||
            (t.start >= p.end && t.start - p.end <= 3 && text.tokens.slice(p.end, t.start).every((w) => attr.subjectGlue.has(w) || w === 'saya' || w === 'kami'))),
      )
        ? [i]
        : [],
    ),
  );
  const acts: ActHit[] = actHits.map((h) => {
    const raw = ownerOf(h, persons, targets, text, lex);
    const owner: Owner = raw.kind === 'person' && candidatePersons.has(antecedent.get(raw.index) ?? raw.index) ? { kind: 'candidate' } : raw;
    // "dia", "beliau", "he": the person mentioned last before them.
    const resolved = owner.kind === 'person' && antecedent.has(owner.index) ? { kind: 'person' as const, index: antecedent.get(owner.index)! } : owner;
    return { ...h, negated: negated.has(h), owner: resolved };
  });

  // Which person each status and role describes.
  const statusOf = attach(statuses, persons, text, 6);
  const roleOf = attach(roles, persons, text, 4);

  // The act asked about: those in a question sentence, else all; its owner is the actor.
  const asked = askedSentences(text, speechHit);
  const positive = acts.filter((a) => !a.negated && a.owner.kind !== 'candidate');
  const inQuestion = positive.filter((a) => asked.has(text.sentence[a.start]!));
  const selfIndexes = persons.flatMap((p, i) => (p.id === 'self' ? [i] : []));
  const selfAsks = [...asked].some((si) => persons.some((p) => p.id === 'self' && text.sentence[p.start] === si));
  // Reporting is what the user wants to do about someone else's act: that act decides the actor.
  const notReport = (list: ActHit[]) => list.filter((a) => a.id !== 'report_violation');
  // "Boleh ASN melaporkan atasannya?": when permission is asked about reporting itself, reporting is the act.
  // Not when the user also asks whether the other's act was a violation: then that act is the question.
  // And not "where can I report this?": that is a how/where question about someone else's act.
  // Unless the violation asked about is the reporting itself ("takut dianggap tidak netral kalau lapor").
  const violationAsked = speechHit('asks_violation').filter(
    (h) => !inQuestion.concat(positive).some((a) => a.id === 'report_violation' && text.sentence[a.start] === text.sentence[h.start]),
  );
  const reportAsked =
    violationAsked.length > 0
      ? []
      : inQuestion.filter((a) => {
          const si = text.sentence[a.start];
          return (
            a.id === 'report_violation' &&
            speechHit('asks_permission').some((h) => text.sentence[h.start] === si) &&
            !speechHit('report_how').some((h) => text.sentence[h.start] === si)
          );
        });
  const candidates =
    reportAsked.length > 0
      ? reportAsked
      :
    notReport(inQuestion).length > 0
      ? notReport(inQuestion)
      : notReport(positive).length > 0
        ? notReport(positive)
        : inQuestion.length > 0
          ? inQuestion
          : positive;
  const actorIndex = chooseActor(candidates, positive, persons, has('incident') || has('report_how'), selfAsks);

  const actorPersonId = actorIndex >= 0 ? persons[actorIndex]!.id : undefined;
  const who: Situation['actor']['who'] =
    actorPersonId === undefined ? (selfIndexes.length > 0 ? 'self' : 'generic') : actorPersonId === 'self' ? 'self' : 'other';
  const samePerson = (i: number) => (who === 'self' ? persons[i]!.id === 'self' : i === actorIndex || persons[i]!.id === actorPersonId);

  const loose = statusOf.get(-1) ?? [];
  const selfStatuses = selfIndexes.flatMap((i) => statusOf.get(i) ?? []);
  const askerStatus = pickStatus(selfStatuses.length > 0 ? selfStatuses : who !== 'other' ? loose : []);
  let actorStatus =
    who === 'self'
      ? askerStatus
      : who === 'other'
        ? pickStatus(persons.flatMap((_, i) => (samePerson(i) ? (statusOf.get(i) ?? []) : [])))
        : pickStatus(loose);
  // "Apakah ASN boleh …, saya PPPK": a generic status applies to the asker when they state none.
  if (who === 'self' && !actorStatus) actorStatus = pickStatus(loose);
  const actorRoles = [
    ...persons.flatMap((_, i) => (samePerson(i) ? (roleOf.get(i) ?? []) : [])),
    ...(who === 'other' ? [] : (roleOf.get(-1) ?? [])),
  ];

  const actorActs = positive.filter((a) => a.owner.kind === 'none' || (a.owner.kind === 'person' && samePerson(a.owner.index)));
  const actorOwnActs = dedupe([...actorActs].sort((a, b) => specificity(b) - specificity(a) || a.start - b.start));
  // "Itu melanggar? Kalau mau lapor ke mana?": the user's wish to report is not the act the rules
  // decide on; the other's act is. Reporting stays the act only when permission to report is asked.
  const permissionToReport = positive.some(
    (a) => a.id === 'report_violation' && speechHit('asks_permission').some((h) => text.sentence[h.start] === text.sentence[a.start]),
  );
  const uniqueActs = !permissionToReport && actorOwnActs.some((a) => a.id !== 'report_violation') ? notReport(actorOwnActs) : actorOwnActs;
  const negatedActs = dedupe(acts.filter((a) => a.negated && !uniqueActs.some((p) => p.id === a.id)));
  // A dated circumstance that starts after today is stated as not (yet) so.
  // When a dated circumstance is mentioned with a date and again without ("kontrak habis Maret 2027 …
  // tunggu kontrak habis"), the dated mention decides.
  const timingOf = (h: PatternHit) => (today === undefined ? undefined : timingNear(text, h.start, h.end, lex, today));
  const dated = circumstanceHits.filter((h) => lex.timing.dated.has(h.id) && timingOf(h) !== undefined);
  const undatedTwin = (h: Mention) => lex.timing.dated.has(h.id) && timingOf(h) === undefined && dated.some((d) => d.id === h.id);
  const notYet = new Set(circumstanceHits.filter((h) => lex.timing.dated.has(h.id) && later(h)));
  // "bapak saya pensiunan … saya PNS": a retirement, resignation or contract end told of another person is not the actor's.
  const personOf = attach(circumstanceHits.filter((h) => lex.timing.dated.has(h.id)), persons, text, 6);
  // With no one named as the actor ("Bapak saya pensiunan. Sekarang diajak jadi timses"), the person told of is the subject.
  const othersState = new Set([...personOf].flatMap(([p, hs]) => (who !== 'generic' && p >= 0 && !samePerson(p) ? hs : [])));
  const circumstances = readCircumstances(
    lex,
    text,
    new Set([...negated, ...notYet]),
    circumstanceHits.filter((h) => !undatedTwin(h) && !othersState.has(h)),
  );
  // The act asked about is done by a relative or a neighbour, not by the user ("suami saya … jadi tim kampanye").
  if (who === 'other' && actorPersonId !== undefined && FAMILY_OR_NEIGHBOUR.has(actorPersonId) && !circumstances.family_or_neighbour_acts) {
    circumstances.family_or_neighbour_acts = { value: true, restsOn: persons[actorIndex]!.text };
  }
  // "TMT pensiun 1 Januari 2027": still serving until then; the retirement (or contract end) is not in effect yet.
  for (const [p, list] of statusOf) {
    if (who !== 'generic' && p >= 0 && !samePerson(p)) continue;
    for (const st of list) {
      const pending = (st as { pending?: string }).pending;
      if (pending) circumstances[pending] = { value: false, restsOn: st.text };
    }
  }
  const cancelling = new Set(lex.circumstances.filter((c) => c.cancelsTargets).map((c) => c.id));
  const cancelled = (t: PatternHit) => circumstanceHits.some((h) => cancelling.has(h.id) && !negated.has(h) && overlaps(h, t));
  // "menteri bilang ASN boleh …", "kata KPU …": whoever says something is its source, not whom the act is for.
  const speaker = (t: PatternHit) => attr.speechVerbs.has(text.tokens[t.end] ?? '') || REPORTING_PREFIXES.has(text.tokens[t.start - 1] ?? '');

  // "mau nanya di luar politik": an election word inside an off-topic phrase is not the topic.
  const offTopicHits = lex.topic.offTopic.find(text);
  const outside = (h: PatternHit) => offTopicHits.some((o) => overlaps(o, h));
  const topicStrong =
    lex.topic.strong.find(text).some((h) => !outside(h)) || (uniqueActs.length > 0 && targets.some((t) => POLITICAL_TARGETS.has(t.id)));
  const topic: Situation['topic'] = topicStrong ? 'strong' : lex.topic.weak.test(text) ? 'weak' : 'none';
  const offTopicWords = offTopicHits.length > 0;

  const asksPermission = has('asks_permission') || has('asks_violation');
  const wantsToReport = has('report_how');
  const claimsRepeal = has('repeal_claim');
  const actorIsOfficial =
    who === 'other' &&
    ((actorPersonId !== undefined && OFFICIAL_PERSONS.has(actorPersonId)) ||
      (actorStatus !== undefined && (ASN_STATUSES.has(actorStatus.id) || OFFICE_STATUSES.has(actorStatus.id))));
  const ordered = circumstances.ordered_by_superior?.value === true;
  // Someone else's act is an incident when it is told as something that happened (a time in the
  // past, a person the user knows: "kadis kami", "atasan saya"), not a rule question about officials.
  // ("rekan seruangan saya": one describing word may stand between.)
  const knownPerson = actorIndex >= 0 && text.tokens.slice(persons[actorIndex]!.end, persons[actorIndex]!.end + 2).some((w) => w === 'saya' || w === 'kami');
  const narrated = has('narrative') || has('incident') || knownPerson;
  // "Misal nanti saya lihat camat …": a supposed case is not an incident (a report question still escalates).
  const incident = uniqueActs.length > 0 && ((!has('hypothetical') && ((actorIsOfficial && narrated) || has('incident'))) || ordered);

  const speech = classifySpeech({
    n,
    has,
    hits: speechHit,
    text,
    acts: uniqueActs,
    wantsToReport,
    incident,
    claimsRepeal,
    topic,
    offTopicWords,
    politicalAct: uniqueActs.some((a) => lex.acts.find((e) => e.id === a.id)?.political === true),
    afterOnTopic: previous !== undefined && previous.speech.act !== 'off_topic' && previous.speech.act !== 'empty',
    mentionsPasal: text.tokens.includes('pasal') || text.tokens.includes('article'),
  });

  let situation: Situation = {
    language: detectLanguage(lex, text),
    speech,
    asksPermission,
    wantsToReport,
    incident: incident && speech.act !== 'off_topic',
    injection: has('injection'),
    claimsRepeal,
    evasion: has('evasion'),
    asker: { status: askerStatus },
    actor: { who, person: who === 'other' ? actorPersonId : undefined, status: actorStatus, roles: dedupe(actorRoles).map(value) },
    acts: uniqueActs.map(value),
    candidateActs: dedupe(acts.filter((a) => !a.negated && a.owner.kind === 'candidate')).map(value),
    negatedActs: negatedActs.map(value),
    targets: withImplied(dedupe(targets.filter((t) => !negated.has(t) && !cancelled(t) && !speaker(t))), lex.targets).map(value),
    mentionedStatuses: [...new Set(statuses.map((s) => s.id))],
    circumstances,
    todayTopics: lex.todayTopics.filter((t) => t.set.test(text)).map((t) => t.id),
    date: findDate(question.toLowerCase()),
    topic,
    offTopicWords,
    followUp: false,
    carried: [],
  };
  if (previous && isFollowUp(situation, text)) situation = carryOver(situation, previous);
  return SituationSchema.parse(situation);
}

/** Adds the targets each target implies ("a family member who runs" is also a candidate). */
function withImplied(list: Mention[], entries: CompiledEntry[]): Mention[] {
  const out = [...list];
  for (const m of list) {
    for (const id of entries.find((e) => e.id === m.id)?.implies ?? []) {
      if (!out.some((o) => o.id === id)) out.push({ ...m, id });
    }
  }
  return out;
}

function overlaps(a: PatternHit, b: PatternHit): boolean {
  return a.start < b.end && b.start < a.end;
}

function value(m: Mention): FacetValue {
  return { id: m.id, restsOn: m.text };
}

function dedupe<T extends Mention>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((m) => {
    if (seen.has(m.id)) return false;
    seen.add(m.id);
    return true;
  });
}

/** Longer matches are more specific ("tim kampanye" over "kampanye"). */
function specificity(m: PatternHit): number {
  return m.end - m.start;
}

/**
 * Every hit of every entry, in text order. With `exclusive`, a hit inside a longer hit of another
 * entry is dropped ("asn" inside "bukan asn", "pns" inside "calon pns").
 */
function mentions(entries: CompiledEntry[], text: NormalizedText, exclusive: boolean, drop?: (m: PatternHit) => boolean): Mention[] {
  const all = entries
    .flatMap((e) => e.set.find(text).map((h) => ({ ...h, id: e.id })))
    .filter((h) => !drop?.(h))
    .sort((a, b) => a.start - b.start);
  if (!exclusive) return all;
  return all.filter((m) => !all.some((o) => o !== m && o.id !== m.id && o.start <= m.start && o.end >= m.end && o.end - o.start > m.end - m.start));
}

/**
 * Person mentions, without the ones that are not a person in the story: "suami saya" and "kantor
 * kami" (the pronoun is a possessive), "saya lurah" (a description of the user), "pak, saya …"
 * (a greeting), "calon bupati" (an office sought).
 */
function findPersons(lex: SituationLexicon, text: NormalizedText, isOffice: (m: PatternHit) => boolean, targets: Mention[]): Mention[] {
  const attr = lex.attribution;
  // "grup sahabat pak X": a word inside a longer target name is not a person in the story, unless the
  // target names that person ("om saya yang nyaleg").
  const namesPerson = new Set(lex.targets.filter((e) => e.namesPerson).map((e) => e.id));
  const all = mentions(lex.persons, text, true).filter(
    (p) => !targets.some((t) => !namesPerson.has(t.id) && t.start <= p.start && t.end >= p.end && t.end - t.start > p.end - p.start),
  );
  const others = all.filter((m) => m.id !== 'self');
  const selfs = all.filter((m) => {
    if (m.id !== 'self') return false;
    const before = text.tokens[m.start - 1];
    if (before !== undefined && attr.possessiveNouns.has(before)) return false;
    // "suami saya", "kadis kami": directly after a person noun the pronoun is a possessive.
    // "warga komplek, saya yang mengundang": after a comma the pronoun starts a clause of its own.
    if (others.some((o) => (o.end === m.start && !text.commaAfter.has(o.end - 1)) || (m.start >= o.start && m.end <= o.end))) return false;
    // "teman SMA saya", "rekan kerja kami": a person noun, a word or two describing them, then the pronoun.
    return !others.some(
      (o) =>
        o.end < m.start &&
        m.start - o.end <= 2 &&
        text.sentence[o.start] === text.sentence[m.start] &&
        text.tokens.slice(o.end, m.start).every((w) => attr.personModifiers.has(w)) &&
        !Array.from({ length: m.start - o.end + 1 }, (_, i) => o.end - 1 + i).some((i) => text.commaAfter.has(i)),
    );
  });
  const statusStarts = new Set(mentions(lex.statuses, text, true).map((h) => h.start));
  const kept = others.filter((o) => {
    if (OFFICE_PERSONS.has(o.id) && isOffice(o)) return false;
    // A greeting at the start of a sentence: "pak, …", "ibu saya mau tanya" typed as "bu, sy …".
    const first = text.tokens[o.start]!;
    const sentenceStart = o.start === 0 || text.sentence[o.start - 1] !== text.sentence[o.start];
    // But "bapak saya pensiunan, mau nyalon": a parent with a possessive and a status is a person in the story.
    const described =
      !text.commaAfter.has(o.start) &&
      (statusStarts.has(o.end) || (all.some((m) => m.id === 'self' && m.start === o.end) && statusStarts.has(o.end + 1)));
    if (sentenceStart && attr.vocatives.has(first) && !described && (text.commaAfter.has(o.start) || o.id === 'parent')) return false;
    // "saya lurah", "saya seorang kepsek", "saya petugas loket": the user describing their own position.
    const selfBefore = selfs.find(
      (s) =>
        s.end <= o.start &&
        text.sentence[s.start] === text.sentence[o.start] &&
        text.tokens.slice(s.end, o.start).every((w) => attr.copulaWords.has(w)) &&
        o.start - s.end <= 2,
    );
    if (selfBefore && SELF_DESCRIPTIONS.has(o.id)) return false;
    return true;
  });
  return [...kept, ...selfs].sort((a, b) => a.start - b.start);
}

/** Maps each third-person pronoun ("dia", "beliau", "he") to the last other person mentioned before it. */
function resolveThirdPersons(persons: Mention[]): Map<number, number> {
  const out = new Map<number, number>();
  persons.forEach((p, i) => {
    if (p.id !== 'third') return;
    for (let j = i - 1; j >= 0; j--) {
      const q = persons[j]!;
      if (q.id === 'self' || q.id === 'third') continue;
      out.set(i, j);
      return;
    }
  });
  return out;
}

/** Attaches each status (or role) to the person it describes; key -1 holds those about nobody named. */
function attach(list: Mention[], persons: Mention[], text: NormalizedText, within: number): Map<number, Mention[]> {
  const out = new Map<number, Mention[]>();
  for (const m of list) {
    // The word may itself name the person ("camat", "bupati"), else the nearest person just before it.
    let p = persons.findIndex((q) => overlaps(q, m));
    if (p < 0) {
      persons.forEach((q, i) => {
        if (q.end > m.start || text.sentence[q.start] !== text.sentence[m.start] || m.start - q.end > within) return;
        if (p < 0 || q.end > persons[p]!.end) p = i;
      });
    }
    const list2 = out.get(p);
    if (list2) list2.push(m);
    else out.set(p, [m]);
  }
  return out;
}

/** The first act or circumstance within reach after each negation cue, and the acts chained to it. */
function resolveNegation(cues: PatternHit[], hits: Mention[], text: NormalizedText, lex: SituationLexicon): Set<PatternHit> {
  const negated = new Set<PatternHit>();
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  for (const c of cues) {
    // "yg no 1", "paslon no 2": "no" before a number is "nomor", not a negation.
    if (/^\d+$/.test(text.tokens[c.end] ?? '')) continue;
    const first = sorted.find((h) => h.start >= c.end && text.sentence[h.start] === text.sentence[c.start]);
    if (!first || first.start - c.end >= lex.negation.reach) continue;
    // "dianggap tidak netral kalau lapor": the clause after "kalau" is not negated.
    if (text.tokens.slice(c.end, first.start).some((w) => lex.negation.stops.has(w))) continue;
    for (const h of sorted) if (h.start === first.start) negated.add(h);
    // "tidak pernah komen, like, share": the run of acts right after the first one.
    let last = first;
    for (const h of sorted) {
      if (h.start <= last.start || text.sentence[h.start] !== text.sentence[c.start]) continue;
      if (h.start - last.end > lex.negation.chain) break;
      negated.add(h);
      last = h;
    }
  }
  return negated;
}

/**
 * The owner of an act: a candidate named just before it ("caleg lagi blusukan", "tim bakal caleg
 * bagi kaos") is the candidate's side; otherwise the nearest person before it in the sentence who
 * is not an object ("bantu om saya" — the om is helped, not helping), else one just after it.
 */
function ownerOf(h: Mention, persons: Mention[], targets: Mention[], text: NormalizedText, lex: SituationLexicon): Owner {
  const attr = lex.attribution;
  const t = targets.find((x) => {
    if (x.end > h.start || text.sentence[x.start] !== text.sentence[h.start] || !lex.actingTargets.has(x.id)) return false;
    // "candidate's campaign team": an English possessive names whose team it is, not who acts.
    if (text.tokens[x.end - 1]!.endsWith("'s")) return false;
    const between = text.tokens.slice(x.end, h.start);
    return between.length <= 3 && between.every((w) => attr.subjectGlue.has(w));
  });
  const isObject = (p: Mention): boolean => {
    const before = text.tokens[p.start - 1];
    if (before !== undefined && attr.objectMarkers.has(before)) return true;
    // "antar nenek tetangga": a person right after an object is part of the same object.
    const previous = persons.find((q) => q.end === p.start);
    return previous !== undefined && previous !== p && isObject(previous);
  };
  // "baliho … minta saya pasang": the user right before the act's last word is the one acting.
  // ("minta saya yang masangin": a "yang" may stand between.)
  const inside = persons
    .map((p, i) => [p, i] as const)
    .filter(([p]) => p.id === 'self' && p.start >= h.start && (p.end === h.end - 1 || (p.end === h.end - 2 && text.tokens[p.end] === 'yang')));
  if (inside.length > 0) return { kind: 'person', index: inside.at(-1)![1] };
  let best = -1;
  // "kata teman saya tidak bisa nyalon lagi": the one who says it is the source of the claim, not
  // the one it is about; the act belongs to whoever was named before ("saya pensiunan, kata …").
  const saidBy = (p: Mention) => !SPEAKING_ACTS.has(h.id) && REPORTING_PREFIXES.has(text.tokens[p.start - 1] ?? '');
  persons.forEach((p, i) => {
    if (text.sentence[p.start] !== text.sentence[h.start] || isObject(p) || saidBy(p)) return;
    if (p.end <= h.start && (best < 0 || p.end > persons[best]!.end)) best = i;
  });
  // "rekan saya bilang tidak usah dilayani": what someone says is not what they do.
  // Unless saying it is the act itself: "kepsek bilang ke ortu murid 'dukung pak caleg'" is an appeal.
  const speaking = SPEAKING_ACTS.has(h.id);
  // (A "kata" that introduces another speaker, skipped above, is theirs, not this person's.)
  const introducesSpeaker = (at: number) => persons.some((p) => p.start === at + 1 && saidBy(p));
  if (
    best >= 0 &&
    !speaking &&
    text.tokens.some((w, at) => at >= persons[best]!.end && at < h.start && attr.speechVerbs.has(w) && !introducesSpeaker(at))
  )
    return { kind: 'reported' };
  if (t && (best < 0 || persons[best]!.end <= t.start)) return { kind: 'candidate' };
  if (best >= 0) return { kind: 'person', index: best };
  // "boleh tidak saya pasang …": only the user is named after the act they ask about; "spanduk sosialisasi dia" is a possessive.
  const after = persons.findIndex((p) => p.id === 'self' && text.sentence[p.start] === text.sentence[h.start] && p.start >= h.end && p.start - h.end <= 2);
  return after >= 0 ? { kind: 'person', index: after } : { kind: 'none' };
}

function askedSentences(text: NormalizedText, hits: (id: string) => PatternHit[]): Set<number> {
  const asked = new Set(text.questions);
  for (const id of ['asks_permission', 'asks_violation', 'sanction', 'own_plan']) {
    for (const h of hits(id)) asked.add(text.sentence[h.start]!);
  }
  return asked;
}

/**
 * The person whose act is asked about. The owner of most asked acts wins; between the user and
 * someone else, an incident is about the other and a plan about the user; when the user asks
 * about themselves ("apa saya harus keluar dari grup?") and has acts of their own, it is the user.
 */
function chooseActor(candidates: ActHit[], positive: ActHit[], persons: Mention[], incidentCue: boolean, selfAsks: boolean): number {
  const counts = new Map<number, number>();
  for (const a of candidates) if (a.owner.kind === 'person') counts.set(a.owner.index, (counts.get(a.owner.index) ?? 0) + 1);
  if (counts.size === 0) {
    if (selfAsks) {
      const own = positive.find((a) => a.owner.kind === 'person' && persons[a.owner.index]!.id === 'self');
      if (own && own.owner.kind === 'person') return own.owner.index;
    }
    return -1;
  }
  const ranked = [...counts].sort((a, b) => {
    const aSelf = persons[a[0]]!.id === 'self';
    const bSelf = persons[b[0]]!.id === 'self';
    if (b[1] !== a[1] && !(aSelf !== bSelf && incidentCue)) return b[1] - a[1];
    if (aSelf !== bSelf) return (aSelf ? 1 : -1) * (incidentCue ? 1 : -1);
    return a[0] - b[0];
  });
  return ranked[0]![0];
}

function pickStatus(list: Mention[]): FacetValue | undefined {
  if (list.length === 0) return undefined;
  const ranked = [...list].sort((a, b) => rank(a.id) - rank(b.id));
  return value(ranked[0]!);
}

function rank(id: string): number {
  const i = STATUS_PRECEDENCE.indexOf(id);
  return i < 0 ? STATUS_PRECEDENCE.length : i;
}

function readCircumstances(
  lex: SituationLexicon,
  text: NormalizedText,
  negated: Set<PatternHit>,
  yesHits: Mention[],
): Situation['circumstances'] {
  const out: Situation['circumstances'] = {};
  for (const c of lex.circumstances) {
    let yes = 0;
    let no = 0;
    const words: string[] = [];
    for (const h of yesHits.filter((y) => y.id === c.id)) {
      if (negated.has(h)) no += 1;
      else yes += 1;
      words.push(h.text);
    }
    for (const h of c.no.find(text)) {
      no += 1;
      words.push(h.text);
    }
    // Stated both ways with no majority: unknown, so the answer gives both branches.
    if (yes === no) continue;
    out[c.id] = { value: yes > no, restsOn: words.join(' | ') };
  }
  return out;
}

function detectLanguage(lex: SituationLexicon, text: NormalizedText): 'id' | 'en' {
  let en = 0;
  let id = 0;
  for (const t of text.tokens) {
    if (lex.language.en.has(t)) en += 1;
    if (lex.language.id.has(t)) id += 1;
  }
  return en > id && en >= 2 ? 'en' : 'id';
}

interface SpeechInput {
  n: number;
  has: (id: string) => boolean;
  hits: (id: string) => PatternHit[];
  text: NormalizedText;
  acts: ActHit[];
  wantsToReport: boolean;
  /** The user tells what someone did (an incident), rather than asking about a plan. */
  incident: boolean;
  claimsRepeal: boolean;
  topic: Situation['topic'];
  offTopicWords: boolean;
  /** An act that is about elections by itself (campaigning, voting, a party), not only in context. */
  politicalAct: boolean;
  /** The conversation was already about elections ("kalau cuma like saja?" after a question on posting). */
  afterOnTopic: boolean;
  mentionsPasal: boolean;
}

/** What the user asks, in order of precedence; each branch is one named reading. */
function classifySpeech(s: SpeechInput): Situation['speech'] {
  const is = (act: SpeechAct, cue?: string) => ({ act, restsOn: cue ? (s.hits(cue)[0]?.text ?? cue) : act });
  const acts = s.acts.length;
  // "Boleh …?" about an act in the same sentence outranks a sanction or report question elsewhere.
  const permissionOnAct = s.hits('asks_permission').some((h) => s.acts.some((a) => s.text.sentence[a.start] === s.text.sentence[h.start]));
  // "Boleh lapor …?" asks about reporting, not permission for an act: a permission word inside the
  // report cue itself does not make the question one about conduct.
  const inReportCue = (h: { start: number }) => s.hits('report_how').some((r) => r.start <= h.start && h.start < r.end);
  const asks = s.hits('asks_permission').some((h) => !inReportCue(h)) || s.has('asks_violation');
  if (s.n === 0) return is('empty');
  if (s.offTopicWords && s.topic !== 'strong') return is('off_topic');
  if (s.has('greeting') && s.n <= 5 && acts === 0 && s.topic === 'none') return is('greeting', 'greeting');
  if (s.has('thanks') && s.n <= 6 && acts === 0 && !asks) return is('thanks', 'thanks');
  if (s.has('recommendation')) return is('recommendation', 'recommendation');
  if (s.has('article_text') && s.mentionsPasal) return is('article_text', 'article_text');
  // A date or stage word beside an act the user asks permission for ("pasca putusan MK … boleh saya nulis opini?") is context of a conduct question.
  if (s.has('date_stage') && !permissionOnAct && !(acts > 0 && s.has('asks_permission'))) return is('date_stage', 'date_stage');
  if (s.has('news_reference') && !s.claimsRepeal) return is('official_said', 'news_reference');
  if (s.has('official_said') && !s.claimsRepeal && !permissionOnAct) return is('official_said', 'official_said');
  // "Teman saya … Saya wajib lapor? Bisa dipecat?": about an incident, whether to report it comes
  // first; the sanction is part of that answer.
  if (s.has('sanction') && !permissionOnAct && !(s.incident && s.wantsToReport)) return is('sanction', 'sanction');
  if (s.wantsToReport && !asks) return is('report_how', 'report_how');
  if (s.has('overview') && acts === 0) return is('overview', 'overview');
  if (s.topic !== 'none') return is('conduct', s.has('asks_permission') ? 'asks_permission' : undefined);
  // Nothing about elections, politics or civil servants ("cek penerima bansos", "savings or gold"):
  // an act word alone does not make it a neutrality question.
  if (acts > 0 && (s.politicalAct || s.afterOnTopic)) return is('conduct', s.has('asks_permission') ? 'asks_permission' : undefined);
  return is('off_topic');
}

const FOLLOW_UP_START = new Set(['kalau', 'terus', 'lalu', 'lantas', 'nah', 'gimana', 'bagaimana', 'what', 'how', 'and', 'jika', 'apabila', 'if']);

/**
 * A follow-up is short and leaves out what the previous question gave: no act, or only a
 * narrower act ("kalau cuma like?"), or only a fact (a status, a circumstance) or the sanction.
 */
function isFollowUp(s: Situation, text: NormalizedText): boolean {
  if (text.tokens.length > 12) return false;
  if (s.speech.act === 'greeting' || s.speech.act === 'recommendation' || s.speech.act === 'thanks') return false;
  const startsLikeFollowUp = FOLLOW_UP_START.has(text.tokens[0] ?? '') || text.tokens.at(-1) === 'saja';
  const onlyFacts = s.acts.length === 0 && s.targets.length === 0;
  // A status is a fact given only when the user says it of themselves ("saya PPPK"), not "isi SKB ASN".
  const factGiven = Object.keys(s.circumstances).length > 0 || (s.asker.status !== undefined && s.actor.who === 'self');
  // "Fotonya saya unggah ke media sosial" (a reply to an ask-back): a stated fact, no new target.
  const factReply = factGiven && s.targets.length === 0;
  return startsLikeFollowUp || factReply || (onlyFacts && (s.speech.act === 'sanction' || s.speech.act === 'report_how'));
}

/** The previous situation with what the follow-up changes. */
function carryOver(s: Situation, prev: Situation): Situation {
  const carried: string[] = [];
  const out: Situation = { ...s, followUp: true };
  if (s.acts.length > 0 && s.acts.some((a) => prev.acts.some((p) => p.id === a.id))) {
    // The reply restates the act with a fact about it: keep the question's act first.
    out.acts = [...prev.acts, ...s.acts.filter((a) => !prev.acts.some((p) => p.id === a.id))];
    carried.push('acts');
  }
  if (s.acts.length === 0) {
    out.acts = prev.acts;
    out.negatedActs = prev.negatedActs;
    out.candidateActs = prev.candidateActs;
    if (prev.acts.length > 0) carried.push('acts');
  }
  if (s.targets.length === 0 && prev.targets.length > 0) {
    out.targets = prev.targets;
    carried.push('targets');
  }
  if (!s.actor.status && s.actor.who !== 'other') {
    out.actor = { ...prev.actor, status: s.asker.status ?? prev.actor.status };
    carried.push('actor');
  }
  if (!s.asker.status && prev.asker.status) {
    out.asker = prev.asker;
    carried.push('asker');
  }
  const merged = { ...prev.circumstances, ...s.circumstances };
  if (Object.keys(merged).length > Object.keys(s.circumstances).length) carried.push('circumstances');
  out.circumstances = merged;
  out.incident = s.incident || (prev.incident && s.acts.length === 0);
  out.date = s.date ?? prev.date;
  out.mentionedStatuses = s.mentionedStatuses.length > 0 ? s.mentionedStatuses : prev.mentionedStatuses;
  // A bare fact ("tidak diunggah", "saya PPPK") continues the previous question's kind of answer.
  // Only a reply that asks nothing of its own ("saya PPPK") takes the previous question's kind; a
  // question with its own kind (a sanction, an article, today) keeps it.
  if (s.speech.act === 'conduct' || s.speech.act === 'off_topic') {
    // After a sanction question a bare fact ("saya PPPK") asks the same sanction; a new act
    // ("kalau cuma komen?") asks whether that act is allowed.
    out.speech = prev.speech.act === 'sanction' && s.acts.length === 0 ? prev.speech : { act: 'conduct', restsOn: 'follow-up' };
  }
  if (out.topic === 'none') out.topic = prev.topic;
  out.carried = carried;
  return out;
}
