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
  /** Set when the election is held only in some regions (a 2025 re-vote or Pilkada ulang): where. */
  regions?: string[];
  /** `pemilihan`, `psu` (re-vote ordered by the MK) or `pilkada_ulang`. */
  electionType?: 'pemilihan' | 'psu' | 'pilkada_ulang';
  /** Other regional elections whose window also contains the date (e.g. a PSU elsewhere), nearest first. */
  otherRegional?: { id: string; name: string; regions: string[]; stageName?: string }[];
}

const DAY = 86_400_000;

/**
 * Finds the stage of the election nearest to `date`. A regular election counts from 8 months
 * before candidate determination (when "bakal calon" start courting support) to 2 weeks after
 * voting. A re-vote (PSU) has no determination of its own: it repeats the vote among pairs already
 * determined, so it counts as `setelah_penetapan` from its first listed stage (the MK order) to
 * 2 weeks after the re-vote. An election held everywhere wins over one held only in some regions;
 * a regional result names its `regions`. Outside every window the answer is `di_luar_tahapan`
 * (e.g. 2026-12-01: no stage of the 2029 election is in the calendar).
 */
export function stageOn(calendar: ElectionCalendar, date: string): StageOnDate {
  const t = Date.parse(date);
  const candidates: { rank: [number, number, number]; result: StageOnDate }[] = [];
  for (const election of calendar) {
    const penetapan =
      election.stages.find((s) => /^penetapan_calon/.test(s.id)) ?? election.stages.find((s) => /penetapan/.test(s.id) && !/hasil/.test(s.id));
    const voting = election.stages.find((s) => /pemungutan|voting/.test(s.id)) ?? election.stages.at(-1)!;
    const revote = election.type === 'psu';
    if (!penetapan && !revote) continue;
    const from = penetapan ? Date.parse(penetapan.start) - 240 * DAY : Math.min(...election.stages.map((s) => Date.parse(s.start)));
    const to = Date.parse(voting.end) + 14 * DAY;
    if (t < from || t > to) continue;
    const regional = (election.regions ?? []).length > 0;
    const stage = election.stages.find((s) => Date.parse(s.start) <= t && t <= Date.parse(s.end) + DAY - 1);
    const campaign = election.stages.find((s) => /kampanye/.test(s.id));
    candidates.push({
      // Nationwide first, then an election with a stage on that very day, then the nearest.
      rank: [regional ? 1 : 0, stage ? 0 : 1, Math.abs(t - Date.parse((penetapan ?? voting).start))],
      result: {
        date,
        election: { id: election.id, name: election.name },
        phase: penetapan && t < Date.parse(penetapan.start) ? 'sebelum_penetapan' : 'setelah_penetapan',
        stageName: stage?.name,
        inCampaign: campaign ? Date.parse(campaign.start) <= t && t <= Date.parse(campaign.end) + DAY - 1 : false,
        ...(regional ? { regions: election.regions } : {}),
        electionType: election.type ?? 'pemilihan',
      },
    });
  }
  if (candidates.length === 0) return { date, phase: 'di_luar_tahapan', inCampaign: false };
  candidates.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]);
  const [best, ...rest] = candidates;
  const others = rest
    .filter((c) => c.result.regions)
    .map((c) => ({ id: c.result.election!.id, name: c.result.election!.name, regions: c.result.regions!, ...(c.result.stageName ? { stageName: c.result.stageName } : {}) }));
  return { ...best!.result, ...(others.length > 0 ? { otherRegional: others } : {}) };
}
