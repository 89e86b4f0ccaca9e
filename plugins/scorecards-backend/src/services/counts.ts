import {
  CHECK_IDS,
  CheckId,
  EntityScorecard,
  LevelOrNone,
  ScoreCounts,
} from '@internal/plugin-scorecards-common';

const byCheck = () =>
  Object.fromEntries(CHECK_IDS.map(id => [id, 0])) as Record<CheckId, number>;

/** Level and check counts of a set of scorecards. */
export function countsOf(cards: EntityScorecard[]): ScoreCounts {
  const counts: ScoreCounts = {
    services: cards.length,
    levels: { none: 0, bronze: 0, silver: 0, gold: 0 } as Record<
      LevelOrNone,
      number
    >,
    passed: byCheck(),
    unknown: byCheck(),
  };
  for (const card of cards) {
    counts.levels[card.level] += 1;
    for (const check of card.checks) {
      if (check.outcome === 'pass') counts.passed[check.id] += 1;
      if (check.outcome === 'unknown') counts.unknown[check.id] += 1;
    }
  }
  return counts;
}
