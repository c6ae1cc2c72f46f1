import type { ElectionCalendar } from '../knowledge/schemas.js';

/** Where a date falls in the election calendar. */
export interface StageOnDate {
  date: string;
  election?: { id: string; name: string };
  /** `sebelum_penetapan` (bakal calon), `setelah_penetapan` (calon), or `di_luar_tahapan`. */
  phase: 'sebelum_penetapan' | 'setelah_penetapan' | 'di_luar_tahapan';
  /** The calendar stage containing the date, e.g. "Masa kampanye". */
  stageName?: string;
  inCampaign: boolean;
}

const DAY = 86_400_000;

/**
 * Finds the stage of the election nearest to `date`. An election counts from 8 months before
 * candidate determination (when "bakal calon" start courting support) to 2 weeks after voting.
 */
export function stageOn(calendar: ElectionCalendar, date: string): StageOnDate {
  const t = Date.parse(date);
  let best: StageOnDate = { date, phase: 'di_luar_tahapan', inCampaign: false };
  let bestDistance = Infinity;
  for (const election of calendar) {
    const penetapan = election.stages.find((s) => /penetapan/.test(s.id));
    const voting = election.stages.find((s) => /pemungutan|voting/.test(s.id)) ?? election.stages.at(-1)!;
    if (!penetapan) continue;
    const from = Date.parse(penetapan.start) - 240 * DAY;
    const to = Date.parse(voting.end) + 14 * DAY;
    if (t < from || t > to) continue;
    const distance = Math.abs(t - Date.parse(penetapan.start));
    if (distance >= bestDistance) continue;
    bestDistance = distance;
    const stage = election.stages.find((s) => Date.parse(s.start) <= t && t <= Date.parse(s.end) + DAY - 1);
    const campaign = election.stages.find((s) => /kampanye/.test(s.id));
    best = {
      date,
      election: { id: election.id, name: election.name },
      phase: t < Date.parse(penetapan.start) ? 'sebelum_penetapan' : 'setelah_penetapan',
      stageName: stage?.name,
      inCampaign: campaign ? Date.parse(campaign.start) <= t && t <= Date.parse(campaign.end) + DAY - 1 : false,
    };
  }
  return best;
}

const ID_MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** `2026-11-23` → `23 November 2026`. */
export function formatDateId(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${ID_MONTHS[(m ?? 1) - 1]} ${y}`;
}

/**
 * One or two sentences telling the user which stage applies, because the news-reported SKB
 * annex distinguishes "bakal calon" (before candidates are determined: ethics, moral sanction)
 * from "calon" (after: discipline), and UU 7/2017 Pasal 282 speaks of the campaign period.
 */
export function stageNote(stage: StageOnDate, isActDate: boolean, language: 'id' | 'en'): string {
  const when = isActDate ? `pada ${formatDateId(stage.date)}` : `hari ini (${formatDateId(stage.date)})`;
  if (language === 'en') {
    if (!stage.election) {
      return `Netra's calendar shows no election stage running ${isActDate ? `on ${stage.date}` : `today (${stage.date})`}; the rules still apply to candidates and would-be candidates (bakal calon). Tell me the date of the act if it matters.`;
    }
    return stage.phase === 'sebelum_penetapan'
      ? `${isActDate ? `On ${stage.date}` : `Today (${stage.date})`} falls before candidates of ${stage.election.name} are determined: according to news reports of the SKB annex, acts supporting "bakal calon" are then treated as code-of-ethics violations (moral sanction).`
      : `${isActDate ? `On ${stage.date}` : `Today (${stage.date})`} falls after candidates of ${stage.election.name} were determined${stage.inCampaign ? ', during the campaign period' : ''}: discipline rules apply.`;
  }
  if (!stage.election) {
    return `Kalender Netra tidak mencatat tahapan pemilu atau pilkada yang sedang berjalan ${when}; larangan tetap berlaku terhadap calon maupun bakal calon. Jika tanggal perbuatannya penting, sebutkan tanggalnya agar tahapannya bisa dicek.`;
  }
  if (stage.phase === 'sebelum_penetapan') {
    return `${capitalize(when)} termasuk masa sebelum penetapan calon ${stage.election.name}: menurut pemberitaan lampiran SKB 2022, dukungan kepada "bakal calon" pada masa ini dikategorikan pelanggaran kode etik (sanksi moral), sedangkan setelah penetapan menjadi pelanggaran disiplin.`;
  }
  return `${capitalize(when)} termasuk masa setelah penetapan calon ${stage.election.name}${stage.stageName ? ` (tahap: ${stage.stageName.toLowerCase()})` : ''}: yang berlaku adalah ketentuan disiplin bagi dukungan kepada calon${stage.inCampaign ? ', dan larangan selama masa kampanye' : ''}.`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
