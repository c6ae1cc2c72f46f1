import type { ElectionCalendar } from './schemas.js';

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

