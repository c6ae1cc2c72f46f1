import type { CaseCard } from './knowledge-base.js';
import type { SituationLexiconFile } from './lexicon.js';
import type { SituationCondition } from './schemas.js';

/**
 * Checks that every situation id a card uses (acts, targets, actor statuses, circumstances) is
 * defined in the lexicon, so a typo in a card cannot silently make a rule never fire.
 */
export function checkCardSituations(cards: CaseCard[], lexicon: SituationLexiconFile): string[] {
  const problems: string[] = [];
  const known = {
    acts: new Set(Object.keys(lexicon.acts)),
    targets: new Set(Object.keys(lexicon.targets)),
    statuses: new Set(Object.keys(lexicon.statuses)),
    circumstances: new Set(Object.keys(lexicon.circumstances)),
  };
  for (const card of cards) {
    const at = (where: string, facet: keyof typeof known, ids: readonly string[] | undefined) => {
      for (const id of ids ?? []) {
        if (!known[facet].has(id)) problems.push(`${card.file}: ${where} memakai "${id}" yang tidak ada di lexicon/situation.yaml (${facet})`);
      }
    };
    const condition = (where: string, c: SituationCondition | undefined) => {
      if (!c) return;
      at(`${where}.actors`, 'statuses', c.actors);
      at(`${where}.targets`, 'targets', c.targets);
      at(`${where}.with_targets`, 'targets', c.with_targets);
      at(`${where}.only_acts`, 'acts', c.only_acts);
      at(`${where}.any_acts`, 'acts', c.any_acts);
      at(`${where}.candidate_acts`, 'acts', c.candidate_acts);
      c.any_of?.forEach((alt, i) => {
        condition(`${where}.any_of[${i}]`, alt);
      });
      at(`${where}.circumstances`, 'circumstances', Object.keys(c.circumstances ?? {}));
    };
    // Every card declares the situation it covers: the decision rules match questions against it.
    if (!card.situation) problems.push(`${card.file}: situation wajib diisi (acts, targets, actors yang dicakup kartu ini)`);
    if (card.situation) {
      at('situation.acts', 'acts', card.situation.acts);
      at('situation.targets', 'targets', card.situation.targets);
      at('situation.actors', 'statuses', card.situation.actors);
      condition('situation.requires', card.situation.requires);
    }
    card.exceptions.forEach((e, i) => {
      condition(`exceptions[${i}].when`, e.when);
      condition(`exceptions[${i}].unless`, e.unless);
    });
    card.deciding.forEach((d, i) => {
      at(`deciding[${i}].circumstance`, 'circumstances', [d.circumstance]);
    });
    for (const d of card.deciding) {
      const resolves = card.exceptions.some((e) => e.when.circumstances && d.circumstance in e.when.circumstances);
      if (!resolves) problems.push(`${card.file}: deciding "${d.circumstance}" tidak dipakai exception mana pun (fakta penentu tanpa cabang)`);
    }
  }
  return problems;
}
