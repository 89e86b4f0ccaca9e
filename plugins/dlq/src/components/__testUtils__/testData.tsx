import { ReactNode } from 'react';
import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  BulkJob,
  DeadLetter,
  DeadLetterAction,
  DeadLetterList,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import { DlqApi, dlqApiRef } from '../../api/DlqClient';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

export const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': 'dramatiq:ledger.' },
  },
  spec: { type: 'service' },
};
export const entityRef = 'component:default/svc-ledger';

/** A rollback that gave up 3 hours ago: Postgres was failing over. */
export const rollback: DeadLetter = {
  queue: 'critical',
  key: 'a1b2c3',
  messageId: '4f1c9e7a-rollback',
  actor: 'ledger.rollback_transaction',
  args: ['txn_8812'],
  kwargs: { reason: 'payment_failed', wallet_id: 'w_42' },
  retries: 5,
  traceback: [
    'Traceback (most recent call last):',
    '  File "/app/ledger/tasks.py", line 42, in rollback_transaction',
    '    session.commit()',
    'psycopg.OperationalError: connection to server at "pg-primary" failed',
  ].join('\n'),
  enqueuedAt: at(3 * HOUR + 10 * MINUTE),
  deadLetteredAt: at(3 * HOUR),
  expiresAt: new Date(Date.now() + 6 * DAY + 21 * HOUR).toISOString(),
  links: [
    { title: 'Sentry event', url: 'https://sentry.local-plus.io/e/1' },
    { title: 'Tempo trace', url: 'https://tempo.local-plus.io/t/1' },
  ],
};

/** A fraud alert that gave up 20 minutes ago (the newest one). */
export const fraudAlert: DeadLetter = {
  queue: 'critical',
  key: 'd4e5f6',
  messageId: '77aa-fraud',
  actor: 'ledger.send_fraud_alert',
  args: [],
  kwargs: { transaction_id: 'txn_9001' },
  retries: 3,
  traceback: 'Traceback (most recent call last):\nTimeoutError: kafka',
  deadLetteredAt: at(20 * MINUTE),
  expiresAt: new Date(Date.now() + 7 * DAY - 20 * MINUTE).toISOString(),
  links: [],
};

/** An entry whose JSON cannot be parsed: it can only be discarded. */
export const garbled: DeadLetter = {
  queue: 'high',
  key: 'ff00ff',
  deadLetteredAt: at(2 * DAY),
  expiresAt: new Date(Date.now() + 5 * DAY + HOUR).toISOString(),
  links: [],
  unreadable: 'the stored message is not valid JSON',
};

export const list = (
  items: DeadLetter[],
  queues: DeadLetterList['queues'],
): DeadLetterList => ({
  entityRef,
  source: 'dramatiq:ledger.',
  queues,
  items,
  total: items.length,
  limit: 200,
  payloads: 'masked',
  exact: true,
});

export const discarded: DeadLetterAction = {
  id: 7,
  action: 'discard',
  outcome: 'done',
  entityRef,
  queue: 'high',
  key: '0a0b0c',
  messageId: '55-old',
  actor: 'ledger.export_statement',
  reason: 'statement already sent by hand (INC-231)',
  by: 'user:default/jane.doe',
  at: at(2 * HOUR),
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/** What the client throws for a Backstage error body with this status. */
export const errorResponse = (status: number, name: string, message: string) =>
  ResponseError.fromResponse({
    ok: false,
    status,
    statusText: STATUS_TEXT[status] ?? '',
    headers: new Headers({ 'Content-Type': 'application/json' }),
    redirected: false,
    type: 'basic',
    url: 'http://backend.test/api/dlq/dead-letters',
    text: async () =>
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
  });

/** The message of the backend's 503 while Valkey does not answer. */
export const VALKEY_DOWN =
  "Valkey 'deadLetters.redis' did not answer within 2 s: it may be overloaded or cut off from the portal; check its health, or raise deadLetters.redis.commandTimeoutMs (request id 3f9c2a7b1e04)";

/** What listing throws while Valkey does not answer. */
export const valkeyDown = async (): Promise<never> => {
  throw await errorResponse(503, 'ServiceUnavailableError', VALKEY_DOWN);
};

/** svc-ledger's queues: critical busy, default past the scaling threshold. */
export const backlog: QueueBacklogList = {
  entityRef,
  source: 'dramatiq:ledger.',
  scope: 'queue',
  at: new Date().toISOString(),
  queues: [
    {
      queue: 'critical',
      waiting: 4,
      inFlight: 2,
      delayed: 1,
      oldestWaitingAt: new Date(Date.now() - 90_000).toISOString(),
    },
    { queue: 'high', waiting: 0, inFlight: 0, delayed: 0 },
    {
      queue: 'default',
      waiting: 1500,
      inFlight: 20,
      delayed: 3,
      oldestWaitingAt: new Date(Date.now() - 40 * 60_000).toISOString(),
    },
    {
      queue: 'low',
      waiting: 2,
      inFlight: 0,
      delayed: 0,
      problem: 'the oldest waiting message m-1 cannot be read: not JSON',
    },
  ],
};

/** A bulk job of svc-ledger, running unless said otherwise. */
export const bulkJob = (fields: Partial<BulkJob> = {}): BulkJob => ({
  id: 7,
  action: 'replay',
  state: 'running',
  entityRef,
  selection: { filter: {} },
  ratePerSecond: 50,
  total: 3,
  totalExact: true,
  done: 1,
  skipped: 0,
  failed: 0,
  by: 'user:default/julien.lefevre',
  startedAt: new Date().toISOString(),
  ...fields,
});

/** A dead-letter backend in memory; every method is a jest mock. */
export function mockDlqApi(overrides: Partial<DlqApi> = {}) {
  const impl: DlqApi = {
    getDeadLetters: async () =>
      list([rollback, fraudAlert], [{ queue: 'critical', depth: 2 }]),
    getActions: async () => [discarded],
    getBacklog: async () => backlog,
    startBulk: async r => bulkJob({ action: r.action, selection: r.selection }),
    getBulkJob: async () => bulkJob({ state: 'done', done: 3 }),
    getBulkJobs: async () => [],
    cancelBulkJob: async () => bulkJob({ state: 'cancelled' }),
    replay: async r => [rollback, fraudAlert].find(i => i.key === r.key)!,
    discard: async r =>
      [rollback, fraudAlert, garbled].find(i => i.key === r.key)!,
    ...overrides,
  };
  return {
    getDeadLetters: jest.fn(impl.getDeadLetters),
    getActions: jest.fn(impl.getActions),
    getBacklog: jest.fn(impl.getBacklog),
    startBulk: jest.fn(impl.startBulk),
    getBulkJob: jest.fn(impl.getBulkJob),
    getBulkJobs: jest.fn(impl.getBulkJobs),
    cancelBulkJob: jest.fn(impl.cancelBulkJob),
    replay: jest.fn(impl.replay),
    discard: jest.fn(impl.discard),
  };
}

/** Allows every permission except those named. */
export function permissions(denied: string[] = []): PermissionApi {
  return {
    authorize: async request =>
      ({
        result: denied.includes(request.permission.name) ? 'DENY' : 'ALLOW',
      } as Awaited<ReturnType<PermissionApi['authorize']>>),
  };
}

export function renderWithApis(
  element: ReactNode,
  apis: { dlq: DlqApi; permission?: PermissionApi },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [dlqApiRef, apis.dlq],
        [permissionApiRef, apis.permission ?? permissions()],
      ]}
    >
      <EntityProvider entity={entity}>{element}</EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
