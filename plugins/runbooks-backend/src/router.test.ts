import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { EntityRunbooks } from '@internal/plugin-runbooks-common';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { PrometheusAlerts } from './services/PrometheusAlerts';
import { toRunbook } from './services/frontMatter';

const now = new Date('2026-11-25T12:00:00Z');
const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: { 'backstage.io/techdocs-ref': 'dir:./services/svc-ledger' },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
};
const user = (name: string, displayName: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { profile: { displayName, email: `${name}@local-plus.example` } },
});
const onCall: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'on-call',
    namespace: 'default',
    annotations: {
      'local-plus.io/oncall-primary': 'user:default/julien.lefevre',
      'local-plus.io/oncall-secondary': 'user:default/sofia.marchetti',
      'local-plus.io/oncall-incident-commander': 'user:default/camille.moreau',
      'local-plus.io/oncall-schedule': 'Weekly, Monday 09:00 Europe/Paris',
    },
  },
  spec: { type: 'team', children: [] },
  relations: ['julien.lefevre', 'sofia.marchetti', 'camille.moreau'].map(n => ({
    type: 'hasMember',
    targetRef: `user:default/${n}`,
  })),
};

const ledgerRunbooks: EntityRunbooks = {
  runbooks: [
    toRunbook({
      entityRef: 'component:default/svc-ledger',
      id: 'slo-burn',
      frontMatter: {
        title: 'SLO burn — svc-ledger',
        alerts: ['SLOErrorBudgetBurnPage'],
        severity: 'page',
        owner: 'group:default/product-team',
        last_reviewed: '2026-11-01',
      },
      now,
    }),
    toRunbook({
      entityRef: 'component:default/svc-ledger',
      id: 'outbox-relay-stalled',
      frontMatter: {
        title: 'Outbox relay stalled',
        alerts: ['OutboxRelayStalled'],
        severity: 'page',
        owner: 'group:default/product-team',
        last_reviewed: '2026-06-01',
      },
      now,
    }),
  ],
  problems: [{ file: 'runbooks/draft.md', message: 'no front matter' }],
};

function prometheusAnswering(body: unknown, status = 200): typeof fetch {
  return (async () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    })) as typeof fetch;
}

async function makeApp(options: {
  decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  fetch?: typeof fetch;
  baseUrl?: string;
}) {
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({
      result: options.decision ?? AuthorizeResult.ALLOW,
    }),
    catalog: catalogServiceMock({
      entities: [
        ledger,
        onCall,
        user('julien.lefevre', 'Julien Lefèvre'),
        user('sofia.marchetti', 'Sofia Marchetti'),
        user('camille.moreau', 'Camille Moreau'),
      ],
    }),
    logger: mockServices.logger.mock(),
    cache: mockServices.cache.mock(),
    finder: {
      find: async e =>
        e.metadata.name === 'svc-ledger'
          ? ledgerRunbooks
          : { runbooks: [], problems: [] },
    },
    alerts: new PrometheusAlerts({
      baseUrl:
        'baseUrl' in options ? options.baseUrl : 'http://prometheus.test:9090',
      timeoutMs: 200,
      fetch: options.fetch,
    }),
    onCallGroup: 'group:default/on-call',
    slos: {
      byService: async () =>
        new Map([
          [
            'svc-ledger',
            {
              slo: 'requests-availability',
              alert: 'page' as const,
              budgetRemainingRatio: 0.6,
            },
          ],
        ]),
    },
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return app;
}

describe('GET /entities/:kind/:namespace/:name/runbooks', () => {
  it("lists the entity's runbooks and the files it could not read", async () => {
    const res = await request(await makeApp({})).get(
      '/entities/component/default/svc-ledger/runbooks',
    );
    expect(res.status).toBe(200);
    expect(res.body.runbooks.map((r: any) => [r.id, r.stale])).toEqual([
      ['slo-burn', false],
      ['outbox-relay-stalled', true],
    ]);
    expect(res.body.problems).toEqual([
      { file: 'runbooks/draft.md', message: 'no front matter' },
    ]);
  });

  it('refuses a request without credentials', async () => {
    const res = await request(await makeApp({}))
      .get('/entities/component/default/svc-ledger/runbooks')
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses a user without runbooks.read', async () => {
    const res = await request(
      await makeApp({ decision: AuthorizeResult.DENY }),
    ).get('/entities/component/default/svc-ledger/runbooks');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toBe('You may not read runbooks');
  });

  it('answers 404 for an entity that does not exist', async () => {
    const res = await request(await makeApp({})).get(
      '/entities/component/default/svc-nope/runbooks',
    );
    expect(res.status).toBe(404);
  });

  it('answers 400 for a malformed reference', async () => {
    const res = await request(await makeApp({})).get(
      '/entities/component/default/..%2F..%2Fetc/runbooks',
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('Invalid entity reference: name');
  });
});

describe('GET /alerts', () => {
  const alert = (
    labels: Record<string, string>,
    annotations: Record<string, string> = {},
  ) => ({
    labels,
    annotations,
    state: 'firing',
    activeAt: '2026-11-25T11:50:00Z',
    value: '1e+00',
  });

  it('ties each firing alert to its service and runbook', async () => {
    const fetch = prometheusAnswering({
      status: 'success',
      data: {
        alerts: [
          alert(
            {
              alertname: 'SLOErrorBudgetBurnPage',
              service: 'svc-ledger',
              severity: 'critical',
            },
            {
              runbook_url:
                'https://portal.local-plus.example/docs/default/component/svc-ledger/runbooks/slo-burn',
              summary: 'Budget burning 14x',
            },
          ),
          alert({
            alertname: 'OutboxRelayStalled',
            service: 'svc-ledger',
            severity: 'critical',
          }),
          alert({ alertname: 'DiskFull', service: 'svc-unknown' }),
          { ...alert({ alertname: 'Pending' }), state: 'pending' },
        ],
      },
    });
    const res = await request(await makeApp({ fetch })).get('/alerts');
    expect(res.status).toBe(200);
    expect(
      res.body.alerts.map((a: any) => [
        a.name,
        a.entityRef,
        a.runbook?.id,
        a.runbook?.stale,
      ]),
    ).toEqual([
      [
        'SLOErrorBudgetBurnPage',
        'component:default/svc-ledger',
        'slo-burn',
        false,
      ],
      [
        'OutboxRelayStalled',
        'component:default/svc-ledger',
        'outbox-relay-stalled',
        true,
      ],
      ['DiskFull', undefined, undefined, undefined],
    ]);
    expect(res.body.alerts[0].summary).toBe('Budget burning 14x');
    // The SLO state of the alert's service, beside it.
    expect(res.body.alerts[0].slo).toEqual({
      slo: 'requests-availability',
      alert: 'page',
      budgetRemainingRatio: 0.6,
    });
    expect(res.body.alerts[2].slo).toBeUndefined();
  });

  it('answers 503 naming the cause when Prometheus is down', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const res = await request(await makeApp({ fetch: down })).get('/alerts');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'Prometheus at http://prometheus.test:9090 could not be reached (fetch failed)',
    );
  });

  it('answers 503 when Prometheus is slower than the timeout', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () =>
          reject(init.signal!.reason),
        );
      })) as unknown as typeof fetch;
    const res = await request(await makeApp({ fetch: hanging })).get('/alerts');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain('did not answer within 200 ms');
  });

  it('answers 503 when Prometheus answers something else than its API', async () => {
    const res = await request(
      await makeApp({
        fetch: prometheusAnswering({
          status: 'success',
          data: { alerts: [{ labels: 'x' }] },
        }),
      }),
    ).get('/alerts');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      "unexpected shape at 'data.alerts.0.labels'",
    );
  });

  it('says how to configure Prometheus when it is not', async () => {
    const res = await request(await makeApp({ baseUrl: undefined })).get(
      '/alerts',
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe(
      'No Prometheus is configured: set runbooks.prometheus.baseUrl',
    );
  });
});

describe('GET /oncall', () => {
  it('names the primary, secondary and incident commander', async () => {
    const res = await request(await makeApp({})).get('/oncall');
    expect(res.status).toBe(200);
    expect(res.body.primary.displayName).toBe('Julien Lefèvre');
    expect(res.body.secondary.displayName).toBe('Sofia Marchetti');
    expect(res.body.incidentCommander).toEqual({
      userRef: 'user:default/camille.moreau',
      displayName: 'Camille Moreau',
      email: 'camille.moreau@local-plus.example',
    });
    expect(res.body.members).toHaveLength(3);
    expect(res.body.schedule).toBe('Weekly, Monday 09:00 Europe/Paris');
  });
});

describe.each([
  '/entities/component/default/svc-ledger/runbooks',
  '/alerts',
  '/oncall',
])('GET %s', route => {
  it('answers 401 without credentials', async () => {
    const res = await request(await makeApp({}))
      .get(route)
      .set('Authorization', mockCredentials.none.header());
    expect(res.status).toBe(401);
  });

  it('refuses a service: these routes answer users', async () => {
    const res = await request(await makeApp({}))
      .get(route)
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(403);
  });

  it('answers 403 to a user without runbooks.read', async () => {
    const res = await request(
      await makeApp({ decision: AuthorizeResult.DENY }),
    ).get(route);
    expect(res.status).toBe(403);
  });
});
