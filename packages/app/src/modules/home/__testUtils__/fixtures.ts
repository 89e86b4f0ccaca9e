import { Entity } from '@backstage/catalog-model';
import { DeadLetterList } from '@internal/plugin-dlq';
import { FiringAlert } from '@internal/plugin-runbooks';
import { SloList, SloWithEntity } from '@internal/plugin-slo';

export const PRODUCT_TEAM = 'group:default/product-team';

/**
 * An error as the plugins' clients throw it for an error answer
 * (`ResponseError.fromResponse`): the backend's own message in `cause`.
 */
export function backendError(
  status: number,
  name: string,
  message: string,
  url = '/api/x',
): Error {
  const cause = Object.assign(new Error(message), { name });
  return Object.assign(
    new Error(`Request failed with ${status} Service Unavailable`),
    {
      name: 'ResponseError',
      statusCode: status,
      cause,
      body: {
        error: { name, message },
        request: { method: 'GET', url },
        response: { statusCode: status },
      },
    },
  );
}

const owned = (owner: string) => [{ type: 'ownedBy', targetRef: owner }];

export const component = (
  name: string,
  options: {
    type?: string;
    owner?: string;
    annotations?: Record<string, string>;
  } = {},
): Entity => {
  const owner = options.owner ?? PRODUCT_TEAM;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: options.annotations ?? {},
    },
    spec: { type: options.type ?? 'service', owner, lifecycle: 'production' },
    relations: owned(owner),
  };
};

/** A table svc-ledger and svc-merchant both claim. */
const conflict = {
  rule: 'conflicting-owners',
  level: 'error',
  message:
    'ledger.settlement_batches is claimed by svc-ledger and svc-merchant: one table, one owner',
};

export const ledger = component('svc-ledger', {
  annotations: { 'local-plus.io/dead-letters': 'dramatiq:ledger.' },
});
export const wallet = component('svc-wallet', {
  annotations: {
    'local-plus.io/dead-letters': 'dramatiq:wallet.',
    // Its own finding: it reads another service's table.
    'local-plus.io/data-findings': JSON.stringify([
      {
        rule: 'cross-service-table',
        level: 'error',
        message:
          'svc-wallet depends on table ledger.transactions, owned by svc-ledger',
      },
    ]),
  },
});
export const proto = component('contracts-proto', { type: 'library' });
/** Another team's service: never on the product team's home page. */
export const gitops = component('platform-gitops', {
  owner: 'group:default/platform-team',
  annotations: { 'local-plus.io/dead-letters': 'dramatiq:gitops.' },
});
export const settlementBatches: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'ledger-settlement-batches',
    namespace: 'default',
    annotations: {
      'local-plus.io/data-findings': JSON.stringify([conflict]),
    },
  },
  spec: { type: 'database-table', owner: PRODUCT_TEAM },
  relations: [
    { type: 'tableOwnedBy', targetRef: 'component:default/svc-ledger' },
    { type: 'tableOwnedBy', targetRef: 'component:default/svc-merchant' },
  ],
};

const slo = (
  service: string,
  name: string,
  alert: SloWithEntity['alert'],
  remainingRatio: number,
): SloWithEntity => ({
  service,
  slo: name,
  objective: 0.999,
  windowDays: 30,
  sli: 0.9996,
  errorBudget: {
    totalRatio: 0.001,
    totalMinutes: 43.2,
    remainingRatio,
  },
  burnRates: {},
  alert,
  hoursToExhaustion: null,
  entityRef: `component:default/${service}`,
});

export const board: SloList = {
  slos: [
    slo('svc-ledger', 'availability', 'page', 0.6),
    slo('svc-ledger', 'latency-p99', 'ok', 0.5),
    slo('svc-wallet', 'availability', 'ok', 0.92),
  ],
  errors: [],
  specProblems: [],
  queries: 2,
};

export const deadLetters = (
  entityRef: string,
  queues: Array<[string, number]>,
): DeadLetterList => ({
  entityRef,
  source: 'dramatiq:x.',
  queues: queues.map(([queue, depth]) => ({ queue, depth })),
  items: [],
  total: queues.reduce((n, [, depth]) => n + depth, 0),
  limit: 1,
  payloads: 'masked',
  exact: true,
});

export const burningLedger: FiringAlert = {
  name: 'SLOErrorBudgetBurnPage',
  severity: 'critical',
  service: 'svc-ledger',
  entityRef: 'component:default/svc-ledger',
  summary: 'svc-ledger is burning its error budget 14x too fast',
  activeAt: '2025-03-01T10:00:00Z',
  labels: {},
  runbook: {
    entityRef: 'component:default/svc-ledger',
    id: 'slo-burn',
    title: 'SLO burn — svc-ledger',
    docsPath: '/docs/default/component/svc-ledger/runbooks/slo-burn/',
    stale: false,
  },
};

export const walletQueue: FiringAlert = {
  name: 'DeadLettersPilingUp',
  severity: 'warning',
  service: 'svc-wallet',
  entityRef: 'component:default/svc-wallet',
  summary: '12 dead letters on wallet queues',
  activeAt: '2025-03-01T11:30:00Z',
  labels: {},
  runbook: {
    entityRef: 'component:default/docs',
    id: 'dead-letters-piling-up',
    title: 'Dead letters piling up',
    docsPath: '/docs/default/component/docs/runbooks/dead-letters-piling-up/',
    stale: true,
  },
};

/** An alert of a service the catalog does not know, without a runbook. */
export const orphan: FiringAlert = {
  name: 'DiskAlmostFull',
  service: 'svc-legacy',
  labels: {},
  runbookUrl: 'https://wiki.example/disk',
};
