import { findNode } from '../knowledge/passages.js';
import type { Citation } from './answer-contract.js';
import { citationFor } from './citations.js';
import { type ComposedAnswer, type ComposeInput, plainAnswer } from './compose-input.js';
import { formatDateId } from './election-stage.js';

const STAGE_WORDS: [RegExp, RegExp][] = [
  [/\b(pemungutan suara|pencoblosan|nyoblos|coblosan|coblos|hari h|voting day|vote)\b/, /pemungutan|voting/],
  [/\b(masa tenang|minggu tenang)\b/, /tenang/],
  [/\b(kampanye|campaign)\b/, /kampanye/],
  [/\b(penetapan|ditetapkan)\b/, /penetapan/],
  [/\b(pendaftaran|mendaftar|registration)\b/, /pendaftaran/],
];

/**
 * "Sekarang masa kampanye?", "kapan pemilu berikutnya?": the stage on today's date (or the date
 * asked) from the calendar, then any dates the calendar holds for what is asked.
 */
export function composeToday(input: ComposeInput): ComposedAnswer {
  const u = input.understanding;
  const en = u.language === 'en';
  const dated = composeFromCalendar(input);
  const stage = input.stage;
  const day = formatDateId(stage.date);
  const now = stage.election
    ? en
      ? `On ${stage.date} Netra's calendar shows ${stage.election.name}${stage.stageName ? `, stage: ${stage.stageName}` : ''}.`
      : `Pada ${day} kalender Netra mencatat ${stage.election.name}${stage.stageName ? `, tahap: ${stage.stageName.toLowerCase()}` : ''}.`
    : en
      ? `Netra's calendar shows no election stage running on ${stage.date}: nobody is a candidate now, and no campaign period is running. The neutrality duties of civil servants apply at all times, not only during stages.`
      : `Kalender Netra tidak mencatat tahapan pemilu atau pilkada yang sedang berjalan pada ${day}: saat ini belum ada yang berstatus calon dan tidak ada masa kampanye. Kewajiban netralitas ASN berlaku setiap saat, bukan hanya selama tahapan.`;
  const citations: Citation[] = [];
  for (const [docId, ref] of [['uu-7-2017', 'Pasal 167 ayat (1)'], ['uu-7-2017', 'Pasal 167 ayat (6)']] as const) {
    const doc = input.kb.documents.find((d) => d.id === docId);
    const node = doc ? findNode(doc, ref) : undefined;
    if (doc && node) citations.push(citationFor(doc, node));
  }
  const text = [now, dated?.answer.answer].filter(Boolean).join('\n\n');
  return { ...plainAnswer(input, 'informasi', text, u.escalate), answer: { ...plainAnswer(input, 'informasi', text, u.escalate).answer, citations } };
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
