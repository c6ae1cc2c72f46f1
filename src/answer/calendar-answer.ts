import type { CurrentStateFactId } from '../knowledge/schemas.js';
import { citationsForBasis } from './citations.js';
import { type ComposedAnswer, type ComposeInput, plainAnswer } from './compose-input.js';
import { formatDateId } from './election-stage.js';

const STAGE_WORDS: [RegExp, RegExp][] = [
  [/\b(pemungutan suara|pencoblosan|nyoblos|coblosan|coblos|hari h|voting day|vote)\b/, /pemungutan|voting/],
  [/\b(masa tenang|minggu tenang)\b/, /tenang/],
  [/\b(kampanye|campaign)\b/, /kampanye/],
  [/\b(penetapan|ditetapkan)\b/, /penetapan/],
  [/\b(pendaftaran|mendaftar|registration)\b/, /pendaftaran/],
];

/** The facts to answer with when the question names none: whether a stage runs, and the next election. */
const DEFAULT_TODAY: CurrentStateFactId[] = ['tahapan', 'pemilu_berikutnya'];

/**
 * "Sekarang masa kampanye?", "kapan pemilu berikutnya?", "KASN masih ada?": answered from the
 * current-state facts (knowledge/calendar/current-state.yaml) the question asks about, each with its
 * basis and grade, saying how far the stored sources go. When what is asked is not known from
 * them (whether a new election law was enacted), the answer says so: `tidak_pasti`.
 */
export function composeToday(input: ComposeInput): ComposedAnswer {
  const u = input.understanding;
  const en = u.language === 'en';
  const state = input.kb.currentState;
  const asked = input.situation.todayTopics.filter((id): id is CurrentStateFactId => id in state.facts);
  const asksDay0 = input.situation.todayTopics.includes('tanggal');
  const ids = asked.length > 0 ? asked : asksDay0 ? (['pemilu_berikutnya'] as CurrentStateFactId[]) : DEFAULT_TODAY;
  // The fact the question is mainly about comes first.
  if (asksDay0) ids.sort((a, b) => (a === 'pemilu_berikutnya' ? -1 : b === 'pemilu_berikutnya' ? 1 : 0));
  const facts = ids.map((id) => state.facts[id]);
  const parts = facts.map((f) => (en ? f.text_en : f.text_id));
  const dated = composeFromCalendar(input);
  if (dated) parts.push(dated.answer.answer);
  parts.push(
    en
      ? `Netra's sources on the election timeline go up to ${state.checked_on}; later news was looked for and not found. This is not a regulation: check KPU, Bawaslu or BKN for changes.`
      : `Sumber Netra tentang linimasa pemilu sampai ${formatDateId(state.checked_on)}; berita yang lebih baru dicari dan tidak ditemukan. Ini bukan teks peraturan: periksa KPU, Bawaslu, atau BKN untuk perubahan.`,
  );
  const citations = citationsForBasis(input.kb, facts.flatMap((f) => f.basis), 4);
  // Whether the new law was enacted is exactly what the stored sources cannot tell. An unset voting
  // day is not "unknown": the year, the stage running today and what is not yet set are information.
  const unknown = ids.length === 1 && ids[0] === 'ruu_pemilu' && state.facts.ruu_pemilu.data.enacted === null;
  const verdict = unknown ? 'tidak_pasti' : 'informasi';
  const base = plainAnswer(input, verdict, parts.join('\n\n'), u.escalate);
  return { ...base, answer: { ...base.answer, citations } };
}

/** "Kapan masa kampanye Pilkada 2024?": answered from the election calendar, with its certainty. */
export function composeFromCalendar(input: ComposeInput): ComposedAnswer | undefined {
  const u = input.understanding;
  const lower = u.text.toLowerCase();
  if (!/\b(kapan|jadwal|tanggal|when|date)\b/.test(lower)) return undefined;
  const kind = /\b(pilkada|pemilihan kepala daerah|pilgub|pilbup|pilwalkot)\b/.test(lower) ? 'pilkada' : /\b(pemilu|pileg|pilpres|election)\b/.test(lower) ? 'pemilu' : undefined;
  const stage = STAGE_WORDS.find(([words]) => words.test(lower));
  if (!kind || !stage) return undefined;
  const year = /\b(20\d{2})\b/.exec(lower)?.[1];
  const elections = input.kb.calendar.filter((e) => e.kind === kind && (!year || e.id.includes(year) || e.name.includes(year)));
  const lines = elections.flatMap((e) =>
    e.stages
      .filter((s) => stage[1].test(s.id))
      .map((s) => `• ${e.name} — ${s.name}: ${s.start === s.end ? formatDateId(s.start) : `${formatDateId(s.start)} s.d. ${formatDateId(s.end)}`}${e.certainty ? ` (${e.certainty})` : ''}`),
  );
  if (lines.length === 0) return undefined;
  const intro = u.language === 'en' ? 'According to Netra’s election calendar (not a regulation; check the official KPU schedule):' : 'Menurut kalender pemilihan Netra (bukan teks peraturan; periksa jadwal resmi KPU):';
  return plainAnswer(input, 'informasi', `${intro}\n${lines.join('\n')}`, u.escalate);
}
