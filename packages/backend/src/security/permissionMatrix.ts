/**
 * Who may call what: every route of every Local-Plus backend plugin, and
 * the upstream routes our features rely on, with the answer each caller
 * gets. permissionMatrix.test.ts is generated from this table, and fails
 * for any route of a Local-Plus plugin that is missing here, so a new
 * route cannot ship without a decision.
 *
 * Answers: 401 (no credentials), 403 (refused), 'ok' (let through: the
 * route then answers on its own terms — 200, 400, 404 or 503 when its
 * dependency is down, never 401 or 403).
 */
export const CALLERS = [
  'none',
  'service',
  'developer',
  'on-call',
  'compliance-reviewer',
  'platform-admin',
] as const;
export type Caller = (typeof CALLERS)[number];
export type Answer = 401 | 403 | 'ok';

export type MatrixRow = {
  /** METHOD and the route as its router declares it, e.g. GET /api/slo/board. */
  route: string;
  /** The request sent: the route with real values. */
  request: { path: string; body?: unknown };
  /** Answers in CALLERS order. */
  answers: [Answer, Answer, Answer, Answer, Answer, Answer];
  why: string;
};

const LEDGER = 'component:default/svc-ledger';
const q = encodeURIComponent;

// Readers: every role reads; services (no user) and anonymous callers not.
const READ: MatrixRow['answers'] = [401, 403, 'ok', 'ok', 'ok', 'ok'];
// One entity's facts that the scorecards collect as the portal's own
// service (backend plugins only: outside callers have no service token).
const READ_AND_SCORECARDS: MatrixRow['answers'] = [
  401,
  'ok',
  'ok',
  'ok',
  'ok',
  'ok',
];

export const PERMISSION_MATRIX: MatrixRow[] = [
  // --- slo: budgets and burn rates (slo.read, every role) ---
  {
    route: 'GET /api/slo/entities/:kind/:namespace/:name/slos',
    request: { path: '/api/slo/entities/component/default/svc-ledger/slos' },
    answers: READ_AND_SCORECARDS,
    why: 'on-call, owners and reviewers read SLOs; the scorecards, as a service',
  },
  {
    route: 'GET /api/slo/entities/:kind/:namespace/:name/slos/history',
    request: {
      path: '/api/slo/entities/component/default/svc-ledger/slos/history',
    },
    answers: READ,
    why: 'the SLO tab draws the budget over time',
  },
  {
    route: 'GET /api/slo/board',
    request: { path: '/api/slo/board' },
    answers: READ,
    why: 'the SLO board for on-call',
  },
  // --- runbooks: runbooks, firing alerts, rotation (runbooks.read) ---
  {
    route: 'GET /api/runbooks/entities/:kind/:namespace/:name/runbooks',
    request: {
      path: '/api/runbooks/entities/component/default/svc-ledger/runbooks',
    },
    answers: READ_AND_SCORECARDS,
    why: 'runbooks are read by everyone who may be paged or audit; the scorecards, as a service',
  },
  {
    route: 'GET /api/runbooks/alerts',
    request: { path: '/api/runbooks/alerts' },
    answers: READ,
    why: 'firing alerts on the On call page',
  },
  {
    route: 'GET /api/runbooks/oncall',
    request: { path: '/api/runbooks/oncall' },
    answers: READ,
    why: 'who is on call',
  },
  // --- dlq: dead letters (counts and backlog: dlq.backlog.read, every role;
  // payloads inside the answer: owners, on-call, admins; replay and discard:
  // on-call) ---
  {
    route: 'GET /api/dlq/dead-letters',
    request: { path: `/api/dlq/dead-letters?entityRef=${q(LEDGER)}` },
    answers: READ_AND_SCORECARDS,
    why: 'the dead-letter card and tab; the scorecards count the critical queue as a service',
  },
  {
    route: 'GET /api/dlq/backlog',
    request: { path: `/api/dlq/backlog?entityRef=${q(LEDGER)}` },
    answers: READ,
    why: "the queues' waiting, in-flight and delayed tasks beside the dead letters",
  },
  {
    route: 'GET /api/dlq/actions',
    request: { path: `/api/dlq/actions?entityRef=${q(LEDGER)}` },
    answers: READ,
    why: 'the audit trail of replays and discards',
  },
  {
    route: 'POST /api/dlq/dead-letters/replay',
    request: {
      path: '/api/dlq/dead-letters/replay',
      body: { entityRef: LEDGER, queue: 'critical', key: 'matrix-message' },
    },
    answers: [401, 403, 403, 'ok', 403, 'ok'],
    why: 'replaying changes production: on-call and admins only',
  },
  {
    route: 'POST /api/dlq/dead-letters/discard',
    request: {
      path: '/api/dlq/dead-letters/discard',
      body: {
        entityRef: LEDGER,
        queue: 'critical',
        key: 'matrix-message',
        reason: 'permission matrix',
      },
    },
    answers: [401, 403, 403, 'ok', 403, 'ok'],
    why: 'discarding loses a task: on-call and admins only',
  },
  {
    route: 'POST /api/dlq/dead-letters/bulk',
    request: {
      path: '/api/dlq/dead-letters/bulk',
      body: {
        entityRef: LEDGER,
        action: 'replay',
        selection: { keys: [{ queue: 'critical', key: 'matrix-message' }] },
      },
    },
    answers: [401, 403, 403, 'ok', 403, 'ok'],
    why: 'bulk replay and discard change production: on-call and admins only',
  },
  {
    route: 'GET /api/dlq/dead-letters/bulk',
    request: { path: `/api/dlq/dead-letters/bulk?entityRef=${q(LEDGER)}` },
    answers: READ,
    why: 'the bulk jobs of a service and their progress',
  },
  {
    route: 'GET /api/dlq/dead-letters/bulk/:id',
    request: { path: '/api/dlq/dead-letters/bulk/999999' },
    answers: READ,
    why: "a bulk job's progress",
  },
  {
    route: 'POST /api/dlq/dead-letters/bulk/:id/cancel',
    request: { path: '/api/dlq/dead-letters/bulk/999999/cancel', body: {} },
    answers: [401, 403, 403, 'ok', 403, 'ok'],
    why: 'stopping a bulk job: who may start one',
  },
  // --- kyverno: policy reports (kyverno.reports.read, every role; export:
  // compliance reviewers and admins) ---
  {
    route: 'GET /api/kyverno/entities/:kind/:namespace/:name/results',
    request: {
      path: '/api/kyverno/entities/component/default/svc-ledger/results',
    },
    answers: READ_AND_SCORECARDS,
    why: "a service's policy tab: owners, on-call and reviewers; the scorecards, as a service",
  },
  {
    route: 'GET /api/kyverno/compliance',
    request: { path: '/api/kyverno/compliance?standard=PCI-DSS' },
    answers: READ,
    why: 'the compliance page, platform-wide',
  },
  {
    route: 'GET /api/kyverno/trend',
    request: { path: '/api/kyverno/trend' },
    answers: READ,
    why: 'the trend chart of the compliance page',
  },
  {
    route: 'GET /api/kyverno/snapshots',
    request: { path: '/api/kyverno/snapshots' },
    answers: READ,
    why: 'which snapshots can be exported',
  },
  {
    route: 'GET /api/kyverno/export',
    request: {
      path: '/api/kyverno/export?format=csv&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    },
    answers: [401, 403, 403, 403, 'ok', 'ok'],
    why: 'evidence leaves the portal as a file: reviewers and admins only, audited',
  },
  // --- scorecards: production readiness (scorecards.read, every role;
  // collecting now: platform admins, audited) ---
  {
    route: 'GET /api/scorecards/entities/:kind/:namespace/:name',
    request: { path: '/api/scorecards/entities/component/default/svc-ledger' },
    answers: READ,
    why: "a service's scorecard card and tab",
  },
  {
    route: 'GET /api/scorecards/scorecards',
    request: { path: '/api/scorecards/scorecards' },
    answers: READ,
    why: 'every service and its level',
  },
  {
    route: 'GET /api/scorecards/rollups',
    request: { path: '/api/scorecards/rollups?by=owner' },
    answers: READ,
    why: 'levels per team, system and domain',
  },
  {
    route: 'GET /api/scorecards/ranking',
    request: { path: '/api/scorecards/ranking' },
    answers: READ,
    why: 'what most services fail',
  },
  {
    route: 'GET /api/scorecards/trend',
    request: { path: '/api/scorecards/trend?days=7' },
    answers: READ,
    why: 'the campaign view: levels over time',
  },
  {
    route: 'POST /api/scorecards/refresh',
    request: { path: '/api/scorecards/refresh', body: {} },
    answers: [401, 403, 403, 403, 403, 'ok'],
    why: 'collecting calls every source for every service: platform admins, audited',
  },
  // --- template upgrades: who is behind the golden path, and the upgrade
  // (template-upgrades.read, every role; creating the upgrade branch or pull
  // request: the owning team and admins, template-upgrades.create on the
  // entity) ---
  {
    route: 'GET /api/template-upgrades/drift',
    request: { path: '/api/template-upgrades/drift' },
    answers: READ_AND_SCORECARDS,
    why: 'the platform team sees who is behind; the scorecards, as a service',
  },
  {
    route: 'GET /api/template-upgrades/entities/:kind/:namespace/:name/drift',
    request: {
      path: '/api/template-upgrades/entities/component/default/svc-ledger/drift',
    },
    answers: READ,
    why: "a service's Golden path card",
  },
  {
    route:
      'GET /api/template-upgrades/entities/:kind/:namespace/:name/proposal',
    request: {
      path: '/api/template-upgrades/entities/component/default/svc-ledger/proposal',
    },
    answers: READ,
    why: 'what an upgrade would change: a diff, nothing written',
  },
  {
    route:
      'POST /api/template-upgrades/entities/:kind/:namespace/:name/upgrade',
    request: {
      path: '/api/template-upgrades/entities/component/default/svc-ledger/upgrade',
      body: {},
    },
    // The matrix's developer owns nothing: owners are the catalog's to say.
    answers: [401, 403, 403, 403, 403, 'ok'],
    why: "writes a branch to the service's repository: its owners and admins, audited",
  },
  // --- upstream routes behind our features ---
  {
    route: 'POST /api/catalog/locations',
    request: {
      path: '/api/catalog/locations?dryRun=true',
      body: {
        type: 'url',
        target:
          'https://github.com/localplus/svc-none/blob/main/catalog-info.yaml',
      },
    },
    answers: [401, 'ok', 'ok', 403, 403, 'ok'],
    why: 'developers register their repositories (never users or groups: catalog rules)',
  },
  {
    route: 'POST /api/scaffolder/v2/dry-run',
    request: {
      path: '/api/scaffolder/v2/dry-run',
      body: { template: {}, values: {}, directoryContents: [] },
    },
    answers: [401, 'ok', 'ok', 403, 403, 'ok'],
    why: 'the template editor: developers and admins',
  },
  {
    route: 'POST /api/scaffolder/v2/tasks',
    request: {
      path: '/api/scaffolder/v2/tasks',
      body: { templateRef: 'template:default/svc-typescript', values: {} },
    },
    answers: [401, 'ok', 'ok', 403, 403, 'ok'],
    why: 'the golden path: developers and admins create services',
  },
];

/** The plugins whose every route must be in the table. */
export const LOCAL_PLUS_PLUGINS = [
  'slo',
  'runbooks',
  'dlq',
  'kyverno',
  'scorecards',
  'template-upgrades',
];
