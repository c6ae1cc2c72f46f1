import { type ComposedAnswer, type ComposeInput, plainAnswer } from './compose-input.js';
import { formatDateId } from './election-stage.js';

const STAGE_WORDS: [RegExp, RegExp][] = [
  [/\b(pemungutan suara|pencoblosan|nyoblos|coblosan|coblos|hari h|voting day|vote)\b/, /pemungutan|voting/],
  [/\b(masa tenang|minggu tenang)\b/, /tenang/],
  [/\b(kampanye|campaign)\b/, /kampanye/],
  [/\b(penetapan|ditetapkan)\b/, /penetapan/],
  [/\b(pendaftaran|mendaftar|registration)\b/, /pendaftaran/],
];

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
