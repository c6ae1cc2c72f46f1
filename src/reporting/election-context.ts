import type { IsoDate } from '../knowledge/calendar-date.js';
import { stageOn } from '../knowledge/election-stage.js';
import type { ElectionCalendar } from '../knowledge/schemas.js';

/** What the election calendar says about one day, as routing needs it. */
export interface ElectionContext {
  date: IsoDate;
  /** True when an election of the calendar is in its stages on `date`. */
  running: boolean;
  election?: { id: string; name: string; kind: 'pemilu' | 'pilkada' };
  /** The calendar stage containing the date, e.g. "Masa kampanye". */
  stageName?: string;
}

/**
 * Reads the calendar for `date` with the same {@link stageOn} the answers use, so a report and
 * an answer never disagree about whether an election is running.
 */
export function electionContextOn(calendar: ElectionCalendar, date: IsoDate): ElectionContext {
  const stage = stageOn(calendar, date);
  if (!stage.election) return { date, running: false };
  const entry = calendar.find((e) => e.id === stage.election!.id);
  return {
    date,
    running: true,
    election: { ...stage.election, kind: entry?.kind ?? 'pemilu' },
    stageName: stage.stageName,
  };
}
