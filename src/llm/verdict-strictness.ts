import type { Verdict } from '../answer/answer-contract.js';

/**
 * The strictness order of rulings, from most to least permissive:
 *
 *   boleh  <  boleh_bersyarat  <  tidak_pasti  <  dilarang
 *
 * `boleh_bersyarat` adds conditions to `boleh`; `tidak_pasti` withholds permission and sends the
 * user to whoever decides; `dilarang` forbids. `informasi` and `di_luar_topik` are not rulings.
 */
export const STRICTNESS: Readonly<Partial<Record<Verdict, number>>> = { boleh: 0, boleh_bersyarat: 1, tidak_pasti: 2, dilarang: 3 };

/**
 * The verdict is decided offline (case cards, the rule table); the model only phrases it. It may
 * keep the offline verdict, add conditions (`boleh` → `boleh_bersyarat`) or make it stricter in
 * the order above, never looser. A non-ruling (`informasi`) may only stay, or become `dilarang`,
 * the strictest ruling, which can never loosen anything; `di_luar_topik` stays as it is.
 */
export function acceptsModelVerdict(offline: Verdict, model: Verdict): boolean {
  if (model === offline) return true;
  if (model === 'dilarang') return offline !== 'di_luar_topik';
  const o = STRICTNESS[offline];
  const m = STRICTNESS[model];
  if (o === undefined || m === undefined) return false;
  return m > o;
}
