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
import { DEFAULT_DOCS_CONFIG, RunbookDocsConfig } from './config';
import { createRouter } from './router';
import { PrometheusAlerts } from './services/PrometheusAlerts';
import { RunbookFinder } from './services/RunbookFinder';
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
  /** More entities beside svc-ledger, the on-call group and its members. */
  entities?: Entity[];
  finder?: RunbookFinder;
  docs?: Partial<RunbookDocsConfig>;
  logger?: ReturnType<typeof mockServices.logger.mock>;
  exposeDetails?: boolean;
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
        ...(options.entities ?? []),
      ],
    }),
    logger: options.logger ?? mockServices.logger.mock(),
    errorSettings: { exposeDetails: options.exposeDetails ?? false },
    finder: options.finder ?? {
      find: async e =>
        e.metadata.name === 'svc-ledger'
          ? ledgerRunbooks
          : { runbooks: [], problems: [] },
    },
    docs: { ...DEFAULT_DOCS_CONFIG, ...options.docs },
    alerts: new PrometheusAlerts({
      name: 'platform',
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

  const refused = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 10.20.30.40:9090'), {
      code: 'ECONNREFUSED',
    }),
  });

  it('answers 503 naming Prometheus by its configured name, with a request id, and logs the detail', async () => {
    const down = (async () => {
      throw refused;
    }) as typeof fetch;
    const logger = mockServices.logger.mock();
    const res = await request(await makeApp({ fetch: down, logger })).get(
      '/alerts',
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'platform' refused the connection \(is it running\?\): check runbooks\.prometheus\.baseUrl in the portal config \(request id ([0-9a-f]{12})\)$/,
    );
    // Production: no address, port, driver message or stack in the answer.
    expect(JSON.stringify(res.body)).not.toMatch(
      /prometheus\.test|9090|10\.20\.30\.40|ECONNREFUSED|fetch failed|stack|cause/,
    );
    // The log holds the detail, under the id the answer shows.
    const id = /request id (\w+)/.exec(res.body.error.message)![1];
    const logged = logger.error.mock.calls.map(c => String(c[0]));
    expect(logged).toEqual([
      expect.stringMatching(
        new RegExp(
          `request id ${id}.*GET http://prometheus\\.test:9090/api/v1/alerts: TypeError: fetch failed: .*ECONNREFUSED 10\\.20\\.30\\.40:9090`,
        ),
      ),
    ]);
  });

  it('answers 503 when Prometheus is slower than the timeout', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () =>
          reject(init.signal!.reason),
        );
      })) as unknown as typeof fetch;
    const started = Date.now();
    const res = await request(await makeApp({ fetch: hanging })).get('/alerts');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'platform' did not answer within 200 ms: check that it is up, or raise runbooks\.prometheus\.timeoutMs if it is only slow \(request id [0-9a-f]{12}\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(/prometheus\.test|9090|stack/);
  });

  it('shows the detail beside the message in development', async () => {
    const down = (async () => {
      throw refused;
    }) as typeof fetch;
    const res = await request(
      await makeApp({ fetch: down, exposeDetails: true }),
    ).get('/alerts');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toContain(
      "Prometheus 'platform' refused the connection",
    );
    expect(res.body.error.message).toContain(
      'GET http://prometheus.test:9090/api/v1/alerts',
    );
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
    expect(res.body.error.message).toMatch(
      /^No Prometheus is configured: set runbooks\.prometheus\.baseUrl \(request id \w+\)$/,
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

  // An entity's runbooks are read by the portal's scorecards, as a service;
  // the alerts and the rotation answer people only.
  const serviceAnswer = route.endsWith('/runbooks') ? 200 : 403;
  it(`answers ${serviceAnswer} to a service`, async () => {
    const res = await request(await makeApp({}))
      .get(route)
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(serviceAnswer);
  });

  it('answers 403 to a user without runbooks.read', async () => {
    const res = await request(
      await makeApp({ decision: AuthorizeResult.DENY }),
    ).get(route);
    expect(res.status).toBe(403);
  });
});

/**
 * The on-call page reads the runbooks of every entity with docs; a slow or
 * broken docs site (TechDocs preparers fetch from GitHub) must not make it
 * hang, nor be fetched again on every request.
 */
describe('GET /alerts reads the docs sites with bounded work', () => {
  const service = (name: string): Entity => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/techdocs-ref': `url:https://github.test/${name}`,
      },
    },
    spec: { type: 'service', owner: 'group:default/product-team' },
  });
  const runbooksOf = (name: string, title = `Dead letters of ${name}`) => ({
    runbooks: [
      toRunbook({
        entityRef: `component:default/${name}`,
        id: 'dead-letters',
        frontMatter: {
          title,
          alerts: [`DeadLettersOf-${name}`],
          severity: 'page',
          owner: 'group:default/product-team',
          last_reviewed: '2026-11-01',
        },
        now,
      }),
    ],
    problems: [],
  });
  /** Prometheus: DeadLettersOf-<service> fires for each service named. */
  const firingFor = (...services: string[]) =>
    prometheusAnswering({
      status: 'success',
      data: {
        alerts: services.map(name => ({
          labels: { alertname: `DeadLettersOf-${name}`, service: name },
          annotations: {},
          state: 'firing',
        })),
      },
    });
  const runbookOfAlert = (body: any, name: string) =>
    body.alerts.find((a: any) => a.service === name)?.runbook?.title;
  const never = () => new Promise<never>(() => {});
  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

  it('answers within the time-out, with the runbooks of the other sites, when one never answers', async () => {
    const app = await makeApp({
      entities: [service('svc-wallet'), service('svc-hanging')],
      fetch: firingFor('svc-wallet', 'svc-hanging'),
      finder: {
        find: async e =>
          e.metadata.name === 'svc-hanging'
            ? never()
            : runbooksOf(e.metadata.name),
      },
      docs: { timeoutMs: 300 },
    });
    const started = Date.now();
    const res = await request(app).get('/alerts');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.status).toBe(200);
    expect(runbookOfAlert(res.body, 'svc-wallet')).toBe(
      'Dead letters of svc-wallet',
    );
    expect(runbookOfAlert(res.body, 'svc-hanging')).toBeUndefined();
    // The page says why that service's runbooks are missing.
    expect(res.body.unavailable).toEqual([
      {
        entityRef: 'component:default/svc-hanging',
        message: expect.stringMatching(/did not answer within 300 ms/),
      },
    ]);
    // Still hanging: the next request does not wait for it again.
    const again = Date.now();
    expect((await request(app).get('/alerts')).status).toBe(200);
    expect(Date.now() - again).toBeLessThan(250);
  }, 10_000);

  it('reads at most `concurrency` docs sites at once', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `svc-${i}`);
    let running = 0;
    let most = 0;
    const calls: string[] = [];
    const app = await makeApp({
      entities: names.map(service),
      fetch: firingFor(...names),
      finder: {
        find: async e => {
          calls.push(e.metadata.name);
          running += 1;
          most = Math.max(most, running);
          await sleep(30);
          running -= 1;
          return runbooksOf(e.metadata.name);
        },
      },
      docs: { concurrency: 3, timeoutMs: 3000 },
    });
    const res = await request(app).get('/alerts');
    expect(res.status).toBe(200);
    expect(most).toBe(3);
    expect(calls.filter(c => names.includes(c)).sort()).toEqual(names);
    for (const name of names) {
      expect(runbookOfAlert(res.body, name)).toBe(`Dead letters of ${name}`);
    }
  }, 10_000);

  it('does not read a failing docs site again within the failure TTL', async () => {
    const calls: string[] = [];
    const app = await makeApp({
      entities: [service('svc-wallet'), service('svc-broken')],
      fetch: firingFor('svc-wallet', 'svc-broken'),
      finder: {
        find: async e => {
          calls.push(e.metadata.name);
          if (e.metadata.name === 'svc-broken') {
            throw new Error(
              'GET https://api.github.test/repos/x: 502 Bad Gateway',
            );
          }
          return runbooksOf(e.metadata.name);
        },
      },
      docs: { failureTtlMs: 400 },
    });
    const first = await request(app).get('/alerts');
    await request(app).get('/alerts');
    await request(app).get('/alerts');
    expect(calls.filter(c => c === 'svc-broken')).toHaveLength(1);
    expect(first.status).toBe(200);
    expect(runbookOfAlert(first.body, 'svc-wallet')).toBe(
      'Dead letters of svc-wallet',
    );
    // Said on the page, without the driver's words or address.
    expect(first.body.unavailable).toEqual([
      {
        entityRef: 'component:default/svc-broken',
        message: expect.not.stringMatching(/github\.test|502/),
      },
    ]);
    // Once the failure TTL is over, it is tried again.
    await sleep(500);
    await request(app).get('/alerts');
    expect(calls.filter(c => c === 'svc-broken')).toHaveLength(2);
  }, 10_000);

  it('serves the last known runbooks at once while it reads them again', async () => {
    let release: (value: EntityRunbooks) => void = () => {};
    const calls: string[] = [];
    let slow = false;
    const app = await makeApp({
      entities: [service('svc-wallet')],
      fetch: firingFor('svc-wallet'),
      finder: {
        find: async e => {
          calls.push(e.metadata.name);
          if (e.metadata.name !== 'svc-wallet') {
            return { runbooks: [], problems: [] };
          }
          if (!slow) return runbooksOf('svc-wallet', 'Version 1');
          return new Promise<EntityRunbooks>(resolve => {
            release = resolve;
          });
        },
      },
      docs: { refreshAfterMs: 100, timeoutMs: 2000 },
    });
    const first = await request(app).get('/alerts');
    expect(runbookOfAlert(first.body, 'svc-wallet')).toBe('Version 1');
    await sleep(150);
    slow = true;
    // Stale: answered at once with what was known, re-read in the background.
    const started = Date.now();
    const stale = await request(app).get('/alerts');
    expect(Date.now() - started).toBeLessThan(500);
    expect(runbookOfAlert(stale.body, 'svc-wallet')).toBe('Version 1');
    expect(calls.filter(c => c === 'svc-wallet')).toHaveLength(2);
    // One refresh at a time, however many requests come meanwhile.
    await request(app).get('/alerts');
    expect(calls.filter(c => c === 'svc-wallet')).toHaveLength(2);
    release(runbooksOf('svc-wallet', 'Version 2'));
    await sleep(20);
    const fresh = await request(app).get('/alerts');
    expect(runbookOfAlert(fresh.body, 'svc-wallet')).toBe('Version 2');
    expect(calls.filter(c => c === 'svc-wallet')).toHaveLength(2);
  }, 10_000);
});

describe('GET /entities/:kind/:namespace/:name/runbooks with a slow docs site', () => {
  it('answers 503 within the time-out, naming the entity, and keeps reading in the background', async () => {
    let release: (value: EntityRunbooks) => void = () => {};
    const app = await makeApp({
      finder: {
        find: () =>
          new Promise<EntityRunbooks>(resolve => {
            release = resolve;
          }),
      },
      docs: { timeoutMs: 200 },
    });
    const started = Date.now();
    const res = await request(app).get(
      '/entities/component/default/svc-ledger/runbooks',
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^The docs of component:default\/svc-ledger did not answer within 200 ms: .* \(request id [0-9a-f]{12}\)$/,
    );
    release(ledgerRunbooks);
    await new Promise(r => setTimeout(r, 20));
    const later = await request(app).get(
      '/entities/component/default/svc-ledger/runbooks',
    );
    expect(later.status).toBe(200);
    expect(later.body.runbooks).toHaveLength(2);
  });
});

describe('GET /entities/:kind/:namespace/:name/runbooks with a broken docs site', () => {
  it.each([false, true])(
    'answers 503 again without reading it, each answer with its own request id (exposeDetails %s)',
    async exposeDetails => {
      let calls = 0;
      const app = await makeApp({
        exposeDetails,
        finder: {
          find: async () => {
            calls += 1;
            throw Object.assign(
              new Error('Request to https://api.github.test/repos/x failed'),
              { name: 'NotFoundError' },
            );
          },
        },
      });
      const path = '/entities/component/default/svc-ledger/runbooks';
      const first = await request(app).get(path);
      const second = await request(app).get(path);
      expect(calls).toBe(1);
      for (const res of [first, second]) {
        expect(res.status).toBe(503);
        expect(res.body.error.message).toMatch(
          /^The docs of component:default\/svc-ledger were not found: check its backstage\.io\/techdocs-ref annotation .*\(request id \w+\)$/,
        );
        // One request id each, not piled up on a cached error.
        expect(res.body.error.message.match(/request id/g)).toHaveLength(1);
      }
      // In production the address stays in the log.
      expect(JSON.stringify(first.body).includes('github.test')).toBe(
        exposeDetails,
      );
    },
  );
});
