import { ReactNode } from 'react';
import { ResponseError } from '@backstage/errors';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  ClusterStatus,
  ComplianceReport,
  EntityPolicyReport,
  OutcomeCounts,
  PolicyFinding,
} from '@internal/plugin-kyverno-common';
import { KyvernoApi, kyvernoApiRef } from '../../api/KyvernoClient';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
export const daysAgo = (days: number) => at(days * DAY + HOUR);

export const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'svc-ledger',
      'backstage.io/kubernetes-namespace': 'svc-ledger',
    },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
};

export const counts = (c: Partial<OutcomeCounts> = {}): OutcomeCounts => ({
  fail: 0,
  error: 0,
  warn: 0,
  excepted: 0,
  skip: 0,
  pass: 0,
  ...c,
});

const base = {
  reportApi: 'wgpolicyk8s.io/v1alpha2' as const,
  properties: {},
  entityRefs: ['component:default/svc-ledger'],
};

/** Running as root in prod-eu for 12 days. */
export const rootApi: PolicyFinding = {
  ...base,
  cluster: 'prod-eu',
  report: 'wgpolicyk8s.io/v1alpha2/PolicyReport/svc-ledger/abc',
  policy: 'require-run-as-non-root',
  rule: 'run-as-non-root',
  result: 'fail',
  outcome: 'fail',
  severity: 'critical',
  category: 'Pod Security',
  message: 'Running as root is not allowed: set runAsNonRoot to true',
  resource: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    namespace: 'svc-ledger',
    name: 'svc-ledger-api',
  },
  firstSeen: daysAgo(12),
  controls: ['PCI-DSS:2.2.5', 'SOC2:CC6.8'],
  remediationUrl:
    '/docs/default/component/docs/compliance/kyverno-policies/#require-run-as-non-root',
};

/** The worker, in the other cluster, since this morning. */
export const rootWorker: PolicyFinding = {
  ...rootApi,
  cluster: 'prod-us',
  resource: { ...rootApi.resource, name: 'svc-ledger-worker' },
  firstSeen: at(5 * HOUR),
};

/** No limits on the migration job: a warning for a day. */
export const noLimits: PolicyFinding = {
  ...base,
  cluster: 'prod-eu',
  report: 'wgpolicyk8s.io/v1alpha2/PolicyReport/svc-ledger/def',
  policy: 'require-resource-limits',
  rule: 'validate-limits',
  result: 'warn',
  outcome: 'warn',
  severity: 'medium',
  message: 'CPU and memory limits are required',
  resource: {
    apiVersion: 'batch/v1',
    kind: 'Job',
    namespace: 'svc-ledger',
    name: 'svc-ledger-migrate',
  },
  firstSeen: daysAgo(1),
  controls: ['SOC2:CC7.2'],
  remediationUrl:
    'docs/default/component/docs/compliance/kyverno-policies/#require-resource-limits',
};

/** A privileged debug sidecar, excepted by a PolicyException. */
export const excepted: PolicyFinding = {
  ...base,
  cluster: 'prod-eu',
  report: 'wgpolicyk8s.io/v1alpha2/PolicyReport/svc-ledger/ghi',
  policy: 'restrict-privileged',
  rule: 'privileged-containers',
  result: 'skip',
  outcome: 'excepted',
  exception: 'svc-ledger/allow-debug-sidecar',
  severity: 'high',
  message:
    'rule skipped due to policy exception svc-ledger/allow-debug-sidecar',
  resource: {
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'svc-ledger',
    name: 'svc-ledger-debug',
  },
  firstSeen: daysAgo(3),
  controls: ['PCI-DSS:2.2.5'],
};

export const PROD_US_DOWN =
  "Cluster 'prod-us': the API server did not answer within 10 s; check the portal's service account token for that cluster (request id 7a1c0e)";

export const prodEu: ClusterStatus = {
  cluster: 'prod-eu',
  ok: true,
  apis: ['wgpolicyk8s.io/v1alpha2'],
  reports: 12,
  results: 140,
  warnings: [],
  readAt: at(3 * HOUR),
};

export const prodUs: ClusterStatus = {
  cluster: 'prod-us',
  ok: false,
  error: PROD_US_DOWN,
  apis: ['openreports.io/v1alpha1'],
  reports: 0,
  results: 0,
  warnings: [],
  readAt: daysAgo(2),
};

export const entityReport = (
  overrides: Partial<EntityPolicyReport> = {},
): EntityPolicyReport => ({
  entityRef: 'component:default/svc-ledger',
  snapshot: { id: 42, takenAt: at(3 * HOUR) },
  counts: counts({
    fail: 2,
    error: 1,
    warn: 1,
    excepted: 1,
    skip: 4,
    pass: 23,
  }),
  severities: { critical: 2, high: 0, medium: 1, low: 0, info: 0, none: 1 },
  failing: [
    {
      policy: 'require-run-as-non-root',
      title: 'Require runAsNonRoot',
      severity: 'critical',
      controls: ['PCI-DSS:2.2.5', 'SOC2:CC6.8'],
      remediationUrl: rootApi.remediationUrl,
      findings: [rootApi, rootWorker],
    },
    {
      policy: 'require-resource-limits',
      title: 'Require resource limits',
      severity: 'medium',
      controls: ['SOC2:CC7.2'],
      remediationUrl: noLimits.remediationUrl,
      findings: [noLimits],
    },
  ],
  excepted: [excepted],
  clusters: [prodEu, prodUs],
  ...overrides,
});

export const complianceReport = (
  overrides: Partial<ComplianceReport> = {},
): ComplianceReport => ({
  snapshot: { id: 42, takenAt: at(3 * HOUR) },
  clusters: [prodEu, prodUs],
  totals: counts({ fail: 2, warn: 1, excepted: 1, skip: 4, pass: 120 }),
  standards: [
    {
      id: 'PCI-DSS',
      title: 'PCI DSS v4.0',
      controls: [
        {
          id: '2.2.5',
          title: 'Insecure services are secured',
          policies: ['require-run-as-non-root', 'restrict-privileged'],
          counts: counts({ fail: 2, excepted: 1, pass: 40 }),
          status: 'failing',
        },
        {
          id: '6.3.3',
          title: 'Components are patched',
          policies: [],
          counts: counts(),
          status: 'no-policy',
        },
      ],
    },
    {
      id: 'SOC2',
      title: 'SOC 2',
      controls: [
        {
          id: 'CC7.2',
          title: 'Anomalies are monitored',
          policies: ['require-resource-limits'],
          counts: counts({ warn: 1, pass: 30 }),
          status: 'passing',
        },
        {
          id: 'CC8.1',
          title: 'Changes are authorised',
          policies: ['require-image-signature'],
          counts: counts(),
          status: 'no-results',
        },
      ],
    },
  ],
  bySystem: [
    {
      key: 'system:default/loyalty',
      counts: counts({ fail: 2, warn: 1, pass: 80 }),
    },
  ],
  byTeam: [
    {
      key: 'group:default/product-team',
      counts: counts({ fail: 2, warn: 1, pass: 80 }),
    },
  ],
  byNamespace: [
    { key: 'svc-ledger', counts: counts({ fail: 2, warn: 1, pass: 50 }) },
  ],
  byCluster: [
    { key: 'prod-eu', counts: counts({ fail: 1, warn: 1, pass: 70 }) },
  ],
  findings: [rootApi, rootWorker, noLimits, excepted],
  totalFindings: 4,
  catalogueFindings: [
    {
      type: 'unknown-policy',
      policy: 'legacy-disallow-host-path',
      clusters: ['prod-us'],
      message:
        'prod-us reports results of legacy-disallow-host-path, which policies/kyverno/ does not define',
    },
    {
      type: 'control-without-policy',
      control: 'PCI-DSS:6.3.3',
      message: 'No policy names PCI-DSS:6.3.3 in local-plus.io/controls',
    },
  ],
  options: {
    policies: [
      'require-resource-limits',
      'require-run-as-non-root',
      'restrict-privileged',
    ],
    namespaces: ['svc-ledger', 'svc-wallet'],
    clusters: ['prod-eu', 'prod-us'],
    systems: ['system:default/loyalty'],
    owners: ['group:default/product-team'],
  },
  ...overrides,
});

const STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/** A Backstage error body, as the backend's error handler answers. */
export const errorBody = (status: number, name: string, message: string) => ({
  error: { name, message },
  request: { method: 'GET', url: '/api/kyverno' },
  response: { statusCode: status },
});

/** What the client throws for a Backstage error body with this status. */
export const errorResponse = (status: number, name: string, message: string) =>
  ResponseError.fromResponse({
    ok: false,
    status,
    statusText: STATUS_TEXT[status] ?? '',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    redirected: false,
    type: 'basic',
    url: 'http://backend.test/api/kyverno/entities/component/default/svc-ledger/results',
    text: async () => JSON.stringify(errorBody(status, name, message)),
  });

export const DB_DOWN =
  "The Kyverno snapshots database did not answer within 5 s: check PostgreSQL 'kyverno' (request id 0c4e9a21)";

/** A Kyverno backend in memory; every method is a jest mock. */
export function mockKyvernoApi(overrides: Partial<KyvernoApi> = {}) {
  const impl: KyvernoApi = {
    getEntityResults: async () => entityReport(),
    getCompliance: async () => complianceReport(),
    getTrend: async () => ({ points: [] }),
    getSnapshots: async () => ({ snapshots: [] }),
    exportEvidence: async () => ({
      blob: new Blob(['cluster\n']),
      filename: 'kyverno-evidence.csv',
    }),
    ...overrides,
  };
  return {
    getEntityResults: jest.fn(impl.getEntityResults),
    getCompliance: jest.fn(impl.getCompliance),
    getTrend: jest.fn(impl.getTrend),
    getSnapshots: jest.fn(impl.getSnapshots),
    exportEvidence: jest.fn(impl.exportEvidence),
  };
}

/** An entity page's card or tab, with the Kyverno API in memory. */
export function renderOnEntity(element: ReactNode, api: KyvernoApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kyvernoApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
