import {
  CheckRanking,
  CollectionInfo,
  EntityScorecard,
  Rollup,
  RollupDimension,
  ScoreCounts,
  Trend,
} from '@internal/plugin-scorecards-common';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const ledgerRef = 'component:default/svc-ledger';

/** svc-ledger: bronze, silver blocked by runbooks and policy failures. */
export const ledger = (): EntityScorecard => ({
  entityRef: ledgerRef,
  title: 'Ledger',
  owner: 'group:default/payments-team',
  system: 'system:default/loyalty',
  domain: 'domain:default/finance',
  level: 'bronze',
  next: { level: 'silver', blocking: ['runbooks', 'kyverno'] },
  checks: [
    {
      id: 'owner-on-call',
      outcome: 'pass',
      detail: 'payments-team, on call: Ana',
    },
    { id: 'techdocs', outcome: 'pass', detail: 'The site built 2 h ago.' },
    {
      id: 'api-definitions',
      outcome: 'pass',
      detail: 'ledger-api has a definition.',
    },
    {
      id: 'slos-defined',
      outcome: 'pass',
      detail: 'availability and latency-p99',
    },
    {
      id: 'runbooks',
      outcome: 'fail',
      detail: '2 alerts without a runbook: LedgerHighLatency, LedgerErrors',
    },
    {
      id: 'kyverno',
      outcome: 'fail',
      detail:
        '1 critical failure: require-run-as-non-root on Deployment svc-ledger/api',
    },
    { id: 'data-ownership', outcome: 'pass', detail: 'No finding.' },
    {
      id: 'error-budget',
      outcome: 'unknown',
      detail: "Prometheus 'prod' did not answer within 5 s",
    },
    {
      id: 'dead-letters',
      outcome: 'pass',
      detail: 'No dead letter on critical.',
    },
    {
      id: 'golden-path-release',
      outcome: 'fail',
      detail: 'At 1.1.0, 1 release behind 1.2.0: see the Upgrade tab.',
    },
  ],
  collectedAt: new Date(Date.now() - 3 * HOUR).toISOString(),
});

/** svc-wallet: gold, nothing left. */
export const wallet = (): EntityScorecard => ({
  entityRef: 'component:default/svc-wallet',
  owner: 'group:default/product-team',
  level: 'gold',
  checks: ledger().checks.map(c => ({ ...c, outcome: 'pass', detail: 'ok' })),
  collectedAt: new Date(Date.now() - 3 * HOUR).toISOString(),
});

/** svc-merchant: no level, owner without on-call. */
export const merchant = (): EntityScorecard => ({
  entityRef: 'component:default/svc-merchant',
  level: 'none',
  next: { level: 'bronze', blocking: ['owner-on-call'] },
  checks: ledger().checks.map(c =>
    c.id === 'owner-on-call'
      ? { ...c, outcome: 'fail', detail: 'No owner' }
      : { ...c, outcome: 'pass', detail: 'ok' },
  ),
  collectedAt: new Date(Date.now() - 3 * HOUR).toISOString(),
});

export const collection = (): CollectionInfo => ({
  id: 42,
  at: new Date(Date.now() - 3 * HOUR).toISOString(),
  services: 3,
  durationMs: 4200,
  sourceProblems: [
    {
      source: 'prometheus',
      services: 2,
      example: "Prometheus 'prod' did not answer within 5 s",
    },
  ],
});

/** As the backend ranks them: most failing first (not the catalogue's order). */
export const ranking = (): CheckRanking => ({
  collection: collection(),
  services: 3,
  checks: [
    {
      id: 'runbooks',
      failing: 2,
      unknown: 0,
      failingServices: [
        'component:default/svc-ledger',
        'component:default/svc-merchant',
      ],
    },
    {
      id: 'owner-on-call',
      failing: 1,
      unknown: 0,
      failingServices: ['component:default/svc-merchant'],
    },
    {
      id: 'error-budget',
      failing: 0,
      unknown: 1,
      failingServices: [],
    },
  ],
});

const zeroChecks = () =>
  Object.fromEntries(
    ledger().checks.map(c => [c.id, 0]),
  ) as ScoreCounts['passed'];

export const counts = (
  services: number,
  levels: Partial<ScoreCounts['levels']>,
  passed: Partial<ScoreCounts['passed']> = {},
  unknown: Partial<ScoreCounts['unknown']> = {},
): ScoreCounts => ({
  services,
  levels: { none: 0, bronze: 0, silver: 0, gold: 0, ...levels },
  passed: { ...zeroChecks(), ...passed },
  unknown: { ...zeroChecks(), ...unknown },
});

export const rollups: Record<RollupDimension, Rollup> = {
  owner: {
    by: 'owner',
    rows: [
      {
        key: 'group:default/payments-team',
        ...counts(
          2,
          { bronze: 1, gold: 1 },
          { runbooks: 1, 'owner-on-call': 2 },
          { 'error-budget': 1 },
        ),
      },
      { key: 'none', ...counts(1, { none: 1 }, { runbooks: 0 }) },
    ],
  },
  system: {
    by: 'system',
    rows: [
      { key: 'system:default/loyalty', ...counts(1, { bronze: 1 }) },
      { key: 'none', ...counts(2, { none: 1, gold: 1 }) },
    ],
  },
  domain: {
    by: 'domain',
    rows: [
      { key: 'domain:default/finance', ...counts(1, { bronze: 1 }) },
      { key: 'none', ...counts(2, { none: 1, gold: 1 }) },
    ],
  },
};

const t0 = Date.UTC(2025, 4, 1, 6);
export const trend = (): Trend => ({
  retentionDays: 90,
  points: [
    {
      at: new Date(t0).toISOString(),
      ...counts(3, { none: 2, bronze: 0, gold: 1 }),
    },
    {
      at: new Date(t0 + DAY).toISOString(),
      ...counts(3, { none: 1, bronze: 1, gold: 1 }),
    },
    {
      at: new Date(t0 + 2 * DAY).toISOString(),
      ...counts(3, { none: 1, bronze: 1, gold: 1 }),
    },
  ],
});

/** Backstage's error body, as the backend's error handler answers. */
export const errorBody = (
  name: string,
  message: string,
  statusCode: number,
) => ({
  error: { name, message },
  response: { statusCode },
});
