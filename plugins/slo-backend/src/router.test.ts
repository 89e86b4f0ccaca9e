import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import express from 'express';
import request from 'supertest';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';

const service = (
  name: string,
  extra: Partial<Entity['metadata']> = {},
  owner = 'group:default/product-team',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', ...extra },
  spec: {
    type: 'service',
    owner,
    system: 'system:default/local-plus',
    lifecycle: 'production',
  },
});

/** A fake Prometheus answering Sloth series for the services in the query. */
function prometheus(queries: string[]): typeof fetch {
  return (async (url: string) => {
    const query = new URL(url).searchParams.get('query')!;
    queries.push(query);
    const services = /sloth_service=~"([^"]+)"/.exec(query)![1].split('|');
    const result = services.flatMap(s =>
      query.startsWith('slo:objective')
        ? [
            {
              metric: {
                __name__: 'slo:objective:ratio',
                sloth_service: s,
                sloth_slo: 'requests-availability',
              },
              value: [0, '0.999'],
            },
          ]
        : ['1h', '5m', '30d'].map(w => ({
            metric: {
              __name__: `slo:sli_error:ratio_rate${w}`,
              sloth_service: s,
              sloth_slo: 'requests-availability',
            },
            value: [0, s === 'ledger-core' ? '0.02' : '0.0001'],
          })),
    );
    return new Response(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result },
      }),
    );
  }) as unknown as typeof fetch;
}

async function makeApp(
  options: {
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    queries?: string[];
  } = {},
) {
  const queries = options.queries ?? [];
  const reader = new SloReader(
    [
      {
        name: 'test',
        client: new PrometheusHttpClient(
          { baseUrl: 'http://prom.test', timeoutMs: 500 },
          prometheus(queries),
        ),
      },
    ],
    30,
  );
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({
      result: options.decision ?? AuthorizeResult.ALLOW,
    }),
    catalog: catalogServiceMock({
      entities: [
        service('svc-ledger', {
          annotations: { 'local-plus.io/slo-service': 'ledger-core' },
        }),
        service('svc-wallet'),
        service('svc-audit', {}, 'group:default/platform-team'),
      ],
    }),
    reader,
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return app;
}

describe('GET /entities/:kind/:namespace/:name/slos', () => {
  it("reads the entity's SLOs under its Sloth service name", async () => {
    const res = await request(await makeApp()).get(
      '/entities/component/default/svc-ledger/slos',
    );
    expect(res.status).toBe(200);
    expect(res.body.slos).toHaveLength(1);
    expect(res.body.slos[0]).toMatchObject({
      service: 'ledger-core',
      entityRef: 'component:default/svc-ledger',
      alert: 'page', // 20x over both 1h and 5m
    });
    expect(res.body.slos[0].burnRates['1h']).toBeCloseTo(20, 6);
  });

  it('answers 404 for an unknown entity and 400 for a malformed one', async () => {
    const app = await makeApp();
    expect(
      (await request(app).get('/entities/component/default/svc-nope/slos'))
        .status,
    ).toBe(404);
    expect(
      (await request(app).get('/entities/component/default/a%20b/slos')).status,
    ).toBe(400);
  });
});

describe('GET /board', () => {
  it('reads every service in two queries, most urgent first', async () => {
    const queries: string[] = [];
    const res = await request(await makeApp({ queries })).get('/board');
    expect(res.status).toBe(200);
    expect(res.body.queries).toBe(2);
    expect(queries).toHaveLength(2);
    expect(res.body.slos.map((s: any) => s.entityRef)).toEqual([
      'component:default/svc-ledger', // paging
      'component:default/svc-audit', // then by budget left, then name
      'component:default/svc-wallet',
    ]);
  });

  it('filters by owner', async () => {
    const res = await request(await makeApp()).get(
      '/board?owner=group:default/platform-team',
    );
    expect(res.status).toBe(200);
    expect(res.body.slos.map((s: any) => s.service)).toEqual(['svc-audit']);
  });

  it('rejects an unknown filter', async () => {
    const res = await request(await makeApp()).get('/board?team=x');
    expect(res.status).toBe(400);
  });
});

describe.each(['/board', '/entities/component/default/svc-wallet/slos'])(
  'GET %s',
  route => {
    it('answers 401 without credentials', async () => {
      const res = await request(await makeApp())
        .get(route)
        .set('Authorization', mockCredentials.none.header());
      expect(res.status).toBe(401);
    });
    it('answers 403 without slo.read', async () => {
      const res = await request(
        await makeApp({ decision: AuthorizeResult.DENY }),
      ).get(route);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('You may not read SLOs');
    });
  },
);
