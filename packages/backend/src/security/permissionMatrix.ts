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
type Answers = MatrixRow['answers'];

const LEDGER = 'component:default/svc-ledger';
const BY_LEDGER = `entityRef=${encodeURIComponent(LEDGER)}`;
const MESSAGE = { entityRef: LEDGER, queue: 'critical', key: 'matrix-message' };
const BULK_REPLAY = {
  entityRef: LEDGER,
  action: 'replay',
  selection: { keys: [{ queue: 'critical', key: 'matrix-message' }] },
};
const LOCATION = {
  type: 'url',
  target: 'https://github.com/localplus/svc-none/blob/main/catalog-info.yaml',
};
const EXPORT_RANGE =
  'format=csv&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';

// Readers: every role reads; services (no user) and anonymous callers not.
const READ: Answers = [401, 403, 'ok', 'ok', 'ok', 'ok'];
// One entity's facts that the scorecards collect as the portal's own
// service (backend plugins only: outside callers have no service token).
const READ_AND_SCORECARDS: Answers = [401, 'ok', 'ok', 'ok', 'ok', 'ok'];
// Changes to production: on-call and platform admins.
const ON_CALL: Answers = [401, 403, 403, 'ok', 403, 'ok'];
// Evidence that leaves the portal: compliance reviewers and admins.
const REVIEWERS: Answers = [401, 403, 403, 403, 'ok', 'ok'];
// Platform admins only.
const ADMINS: Answers = [401, 403, 403, 403, 403, 'ok'];
// What developers do (and services, and admins), not on-call or reviewers.
const DEVELOPERS: Answers = [401, 'ok', 'ok', 403, 403, 'ok'];

/**
 * A row: the route as its router declares it, who gets what, why; the
 * request is the route with svc-ledger's kind, namespace and name (and job
 * 999999), plus the query and body given.
 */
function row(
  route: string,
  answers: Answers,
  why: string,
  request: { query?: string; body?: unknown } = {},
): MatrixRow {
  const path = route
    .split(' ')[1]
    .replace(':kind/:namespace/:name', 'component/default/svc-ledger')
    .replace(':id', '999999');
  return {
    route,
    request: {
      path: request.query ? `${path}?${request.query}` : path,
      ...('body' in request ? { body: request.body } : {}),
    },
    answers,
    why,
  };
}

// A table: one row a line, as prettier would not keep it.
// prettier-ignore
export const PERMISSION_MATRIX: MatrixRow[] = [
  // --- slo: budgets and burn rates (slo.read, every role) ---
  row('GET /api/slo/entities/:kind/:namespace/:name/slos', READ_AND_SCORECARDS, 'on-call, owners and reviewers read SLOs; the scorecards, as a service'),
  row('GET /api/slo/entities/:kind/:namespace/:name/slos/history', READ, 'the SLO tab draws the budget over time'),
  row('GET /api/slo/board', READ, 'the SLO board for on-call'),
  // --- runbooks: runbooks, firing alerts, rotation (runbooks.read) ---
  row('GET /api/runbooks/entities/:kind/:namespace/:name/runbooks', READ_AND_SCORECARDS, 'runbooks are read by everyone who may be paged or audit; the scorecards, as a service'),
  row('GET /api/runbooks/alerts', READ, 'firing alerts on the On call page'),
  row('GET /api/runbooks/oncall', READ, 'who is on call'),
  // --- dlq: dead letters (counts and backlog: dlq.backlog.read, every role;
  // payloads inside the answer: owners, on-call, admins; replay and discard:
  // on-call) ---
  row('GET /api/dlq/dead-letters', READ_AND_SCORECARDS, 'the dead-letter card and tab; the scorecards count the critical queue as a service', { query: BY_LEDGER }),
  row('GET /api/dlq/backlog', READ, "the queues' waiting, in-flight and delayed tasks beside the dead letters", { query: BY_LEDGER }),
  row('GET /api/dlq/actions', READ, 'the audit trail of replays and discards', { query: BY_LEDGER }),
  row('POST /api/dlq/dead-letters/replay', ON_CALL, 'replaying changes production: on-call and admins only', { body: MESSAGE }),
  row('POST /api/dlq/dead-letters/discard', ON_CALL, 'discarding loses a task: on-call and admins only', { body: { ...MESSAGE, reason: 'permission matrix' } }),
  row('POST /api/dlq/dead-letters/bulk', ON_CALL, 'bulk replay and discard change production: on-call and admins only', { body: BULK_REPLAY }),
  row('GET /api/dlq/dead-letters/bulk', READ, 'the bulk jobs of a service and their progress', { query: BY_LEDGER }),
  row('GET /api/dlq/dead-letters/bulk/:id', READ, "a bulk job's progress"),
  row('POST /api/dlq/dead-letters/bulk/:id/cancel', ON_CALL, 'stopping a bulk job: who may start one', { body: {} }),
  // --- kyverno: policy reports (kyverno.reports.read, every role; export:
  // compliance reviewers and admins) ---
  row('GET /api/kyverno/entities/:kind/:namespace/:name/results', READ_AND_SCORECARDS, "a service's policy tab: owners, on-call and reviewers; the scorecards, as a service"),
  row('GET /api/kyverno/compliance', READ, 'the compliance page, platform-wide', { query: 'standard=PCI-DSS' }),
  row('GET /api/kyverno/trend', READ, 'the trend chart of the compliance page'),
  row('GET /api/kyverno/snapshots', READ, 'which snapshots can be exported'),
  row('GET /api/kyverno/export', REVIEWERS, 'evidence leaves the portal as a file: reviewers and admins only, audited', { query: EXPORT_RANGE }),
  // --- scorecards: production readiness (scorecards.read, every role;
  // collecting now: platform admins, audited) ---
  row('GET /api/scorecards/entities/:kind/:namespace/:name', READ, "a service's scorecard card and tab"),
  row('GET /api/scorecards/scorecards', READ, 'every service and its level'),
  row('GET /api/scorecards/rollups', READ, 'levels per team, system and domain', { query: 'by=owner' }),
  row('GET /api/scorecards/ranking', READ, 'what most services fail'),
  row('GET /api/scorecards/trend', READ, 'the campaign view: levels over time', { query: 'days=7' }),
  row('POST /api/scorecards/refresh', ADMINS, 'collecting calls every source for every service: platform admins, audited', { body: {} }),
  // --- template upgrades: who is behind the golden path, and the upgrade
  // (template-upgrades.read, every role; creating the upgrade branch or pull
  // request: the owning team and admins, template-upgrades.create on the
  // entity) ---
  row('GET /api/template-upgrades/drift', READ_AND_SCORECARDS, 'the platform team sees who is behind; the scorecards, as a service'),
  row('GET /api/template-upgrades/entities/:kind/:namespace/:name/drift', READ, "a service's Golden path card"),
  row('GET /api/template-upgrades/entities/:kind/:namespace/:name/proposal', READ, 'what an upgrade would change: a diff, nothing written'),
  // The matrix's developer owns nothing: owners are the catalog's to say.
  row('POST /api/template-upgrades/entities/:kind/:namespace/:name/upgrade', ADMINS, "writes a branch to the service's repository: its owners and admins, audited", { body: {} }),
  // --- upstream routes behind our features ---
  row('POST /api/catalog/locations', DEVELOPERS, 'developers register their repositories (never users or groups: catalog rules)', { query: 'dryRun=true', body: LOCATION }),
  row('POST /api/scaffolder/v2/dry-run', DEVELOPERS, 'the template editor: developers and admins', { body: { template: {}, values: {}, directoryContents: [] } }),
  row('POST /api/scaffolder/v2/tasks', DEVELOPERS, 'the golden path: developers and admins create services', { body: { templateRef: 'template:default/svc-typescript', values: {} } }),
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
