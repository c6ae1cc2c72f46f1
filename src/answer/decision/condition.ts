import type { SituationCondition } from '../../knowledge/schemas.js';
import { ASN_STATUSES, type Situation } from '../situation/situation.js';

/** Whether an actor status satisfies a card's list of statuses ("asn" stands for every ASN status). */
export function statusIn(status: string | undefined, list: readonly string[]): boolean {
  if (list.length === 0) return true;
  // An unstated status is taken as the usual asker, a PNS: a card only for PPPK, CPNS, retirees or
  // non-ASN staff needs the status said.
  if (status === undefined) return list.includes('pns') || list.includes('asn');
  if (list.includes(status)) return true;
  // "ASN" said without PNS/PPPK/CPNS is read the same way: a card only for CPNS or PPPK needs that said.
  if (status === 'asn') return list.includes('pns');
  return list.includes('asn') && ASN_STATUSES.has(status);
}

/**
 * Whether a card condition holds for a situation. Every key given must hold; a circumstance the
 * question does not state never holds (`{posted: false}` needs "tidak diunggah" said), so an
 * exception is only taken on what the user actually told. With `permissive` (the condition would
 * allow the act), every target the question names must be among the listed ones: liking an
 * official KPU post is allowed, liking a post that is also a candidate's is not.
 */
export function conditionHolds(c: SituationCondition, s: Situation, permissive = false): boolean {
  if (c.actors) {
    const status = s.actor.status?.id;
    if (status === undefined || !statusIn(status, c.actors)) return false;
  }
  if (c.targets) {
    const listed = (id: string) => c.targets!.includes(id);
    if (permissive ? !(s.targets.length > 0 && s.targets.every((t) => listed(t.id))) : !s.targets.some((t) => listed(t.id))) return false;
  }
  if (c.with_targets && !c.with_targets.every((id) => s.targets.some((t) => t.id === id))) return false;
  if (c.circumstances) {
    for (const [id, value] of Object.entries(c.circumstances)) {
      if (s.circumstances[id]?.value !== value) return false;
    }
  }
  if (c.only_acts && !(s.acts.length > 0 && s.acts.every((a) => c.only_acts!.includes(a.id)))) return false;
  if (c.any_acts && !s.acts.some((a) => c.any_acts!.includes(a.id))) return false;
  if (c.candidate_acts && !s.candidateActs.some((a) => c.candidate_acts!.includes(a.id))) return false;
  if (c.any_of && !c.any_of.some((alt) => conditionHolds(alt, s, permissive))) return false;
  return true;
}

/** An exception holds when its condition does and its `unless` does not. */
export function exceptionHolds(e: { when: SituationCondition; unless?: SituationCondition; verdict: string }, s: Situation): boolean {
  const permissive = e.verdict === 'boleh' || e.verdict === 'boleh_bersyarat';
  return conditionHolds(e.when, s, permissive) && !(e.unless && conditionHolds(e.unless, s));
}
