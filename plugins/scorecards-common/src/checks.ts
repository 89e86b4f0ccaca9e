/**
 * The production-readiness checks, their levels and where each one says how
 * to fix it. The rules themselves (json-rules-engine conditions over the
 * collected facts) live in the backend; this catalogue is what both sides
 * show. docs/scorecards.md (the platform's TechDocs) explains the same
 * rules to teams: change both together.
 */

/** Levels, lowest first. A service reaches a level when every check of that level and below passes. */
export const LEVELS = ['bronze', 'silver', 'gold'] as const;
export type Level = (typeof LEVELS)[number];
/** A service that does not pass every bronze check has no level yet. */
export type LevelOrNone = Level | 'none';

/** Where the scorecard rules are written for teams. */
export const SCORECARDS_DOCS_PATH = '/docs/default/component/docs/scorecards';

export const CHECK_IDS = [
  'owner-on-call',
  'techdocs',
  'api-definitions',
  'slos-defined',
  'runbooks',
  'kyverno',
  'data-ownership',
  'error-budget',
  'dead-letters',
  'golden-path-release',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface CheckDefinition {
  id: CheckId;
  title: string;
  /** What passing means, in one sentence. */
  description: string;
  level: Level;
  /** A portal path that says how to fix a failure. */
  howToFix: string;
}

const fix = (anchor: string) => `${SCORECARDS_DOCS_PATH}/#${anchor}`;

export const CHECKS: readonly CheckDefinition[] = [
  {
    id: 'owner-on-call',
    title: 'Owner and on-call rotation',
    description:
      'The owning group exists in the catalog and names an on-call rotation with someone on it.',
    level: 'bronze',
    howToFix: fix('owner-on-call'),
  },
  {
    id: 'techdocs',
    title: 'TechDocs build',
    description:
      'The service has TechDocs (backstage.io/techdocs-ref) and its site builds.',
    level: 'bronze',
    howToFix: fix('techdocs'),
  },
  {
    id: 'api-definitions',
    title: 'API definitions',
    description:
      'The service provides at least one API in the catalog and every one has a definition.',
    level: 'bronze',
    howToFix: fix('api-definitions'),
  },
  {
    id: 'slos-defined',
    title: 'Availability and latency SLOs',
    description:
      'The service has an availability SLO and a latency SLO that the portal can read.',
    level: 'silver',
    howToFix: fix('slos-defined'),
  },
  {
    id: 'runbooks',
    title: 'Runbooks for every alert',
    description:
      'Every alert the service defines in Prometheus has a runbook, each reviewed within 90 days.',
    level: 'silver',
    howToFix: fix('runbooks'),
  },
  {
    id: 'kyverno',
    title: 'No critical or high policy failures',
    description:
      'No Kyverno policy result of critical or high severity fails on the service’s resources.',
    level: 'silver',
    howToFix: fix('kyverno'),
  },
  {
    id: 'data-ownership',
    title: 'Clean data ownership',
    description:
      'No data-ownership finding on the service, its tables or its topics (unowned or shared tables, topics with two producers).',
    level: 'silver',
    howToFix: fix('data-ownership'),
  },
  {
    id: 'error-budget',
    title: 'Error budget left',
    description: 'No SLO of the service has exhausted its error budget.',
    level: 'gold',
    howToFix: fix('error-budget'),
  },
  {
    id: 'dead-letters',
    title: 'No dead letters on critical',
    description:
      'The service has no dead letters on the critical queue (it declares its dead-letter source).',
    level: 'gold',
    howToFix: fix('dead-letters'),
  },
  {
    id: 'golden-path-release',
    title: 'On the newest golden-path release',
    description:
      'The service was generated from the golden path and is at its newest release (or upgraded to it).',
    level: 'gold',
    howToFix: fix('golden-path-release'),
  },
];

export const CHECKS_BY_ID: ReadonlyMap<CheckId, CheckDefinition> = new Map(
  CHECKS.map(c => [c.id, c]),
);

/**
 * The level that passed checks give: the highest level whose checks, and
 * every lower level's, all passed. A check that could not be evaluated
 * (its source was down) does not pass.
 */
export function levelOf(passed: ReadonlySet<CheckId>): LevelOrNone {
  let reached: LevelOrNone = 'none';
  for (const level of LEVELS) {
    const all = CHECKS.filter(c => c.level === level).every(c =>
      passed.has(c.id),
    );
    if (!all) break;
    reached = level;
  }
  return reached;
}
