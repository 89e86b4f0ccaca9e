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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';
import { SloService } from './services/SloService';
import { SourceErrors } from './services/sourceErrors';
import { SpecEvaluator } from './services/SpecEvaluator';
import { SloSpecLoader } from './services/specs/SloSpecLoader';

const catalogDir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-router-'));
afterAll(() => fs.rmSync(catalogDir, { recursive: true, force: true }));
const spec = (service: string, objective: number) => `
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
spec:
  service: ${service}
  slos:
    - name: availability
      objective: ${objective}
      description: Requests of ${service} without 5xx.
      sli:
        events:
          errorQuery: 'sum(rate(http_requests_total{service="${service}",code=~"5.."}[{{.window}}]))'
          totalQuery: 'sum(rate(http_requests_total{service="${service}"}[{{.window}}]))'
`;
fs.writeFileSync(
  path.join(catalogDir, 'wallet.yaml'),
  spec('svc-wallet', 99.9),
);
fs.writeFileSync(
  path.join(catalogDir, 'gitops.yaml'),
  spec('platform-gitops', 99.5),
);
fs.writeFileSync(path.join(catalogDir, 'audit.yaml'), spec('svc-audit', 200));

const component = (
  name: string,
  options: {
    type?: string;
    owner?: string;
    system?: string;
    annotations?: Record<string, string>;
  } = {},
): Entity => {
  const owner = options.owner ?? 'group:default/product-team';
  const system = options.system ?? 'system:default/local-plus';
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location': `file:${catalogDir}/components.yaml`,
        ...options.annotations,
      },
    },
    spec: {
      type: options.type ?? 'service',
      owner,
      system,
      lifecycle: 'production',
    },
    relations: [
      { type: 'ownedBy', targetRef: owner },
      { type: 'partOf', targetRef: system },
    ],
  };
};

const ENTITIES = [
  component('svc-ledger', {
    annotations: { 'local-plus.io/slo-service': 'ledger-core' },
  }),
  component('svc-wallet', {
    annotations: { 'local-plus.io/slo-spec': './wallet.yaml' },
  }),
  component('svc-audit', {
    owner: 'group:default/platform-team',
    annotations: { 'local-plus.io/slo-spec': 'audit.yaml' },
  }),
  // Not a service, but it declares an SLO: on the board too.
  component('platform-gitops', {
    type: 'infrastructure',
    owner: 'group:default/platform-team',
    system: 'system:default/platform',
    annotations: { 'local-plus.io/slo-spec': 'gitops.yaml' },
  }),
  // Neither a service nor a spec: not on the board.
  component('sdk-python', { type: 'library' }),
];

/**
 * A fake Prometheus: Sloth series for the services a query selects, and a
 * value for every part a spec union tags with slo_part. ledger-core burns
 * 20x its budget; everything else 0.1x.
 */
function prometheus(queries: string[], down?: { error: Error }): typeof fetch {
  return (async (url: string, init?: RequestInit) => {
    if (down) throw down.error;
    const u = new URL(url);
    const params = init?.body
      ? new URLSearchParams(String(init.body))
      : u.searchParams;
    const query = params.get('query')!;
    queries.push(query);
    const range = u.pathname.endsWith('query_range');
    const value = (v: string) =>
      range ? { values: [[Number(params.get('end')), v]] } : { value: [0, v] };
    let result: object[];
    const tags = [...query.matchAll(/"slo_part", "([^"]+)"/g)].map(m => m[1]);
    if (tags.length) {
      result = tags.map(tag => ({
        metric: { slo_part: tag },
        ...value(tag.endsWith(':total') ? '10' : '0.0001'),
      }));
    } else {
      const services = /sloth_service=~?"([^"]+)"/.exec(query)![1].split('|');
      result = services.flatMap(s => {
        const labels = { sloth_service: s, sloth_slo: 'requests-availability' };
        const objective = {
          metric: { __name__: 'slo:objective:ratio', ...labels },
          ...value('0.999'),
        };
        const ratio = (w: string) => ({
          metric: { __name__: `slo:sli_error:ratio_rate${w}`, ...labels },
          ...value(s === 'ledger-core' ? '0.02' : '0.0001'),
        });
        if (query.startsWith('slo:objective')) return [objective];
        if (range) return [objective, ratio('1h')];
        return ['1h', '5m', '30d'].map(ratio);
      });
    }
    return new Response(
      JSON.stringify({
        status: 'success',
        data: { resultType: range ? 'matrix' : 'vector', result },
      }),
    );
  }) as unknown as typeof fetch;
}

/** A refused connection, as Node's fetch reports it. */
const refused = Object.assign(new TypeError('fetch failed'), {
  cause: Object.assign(new Error('connect ECONNREFUSED 10.9.8.7:9090'), {
    code: 'ECONNREFUSED',
  }),
});
/** What a production answer must not hold. */
const LEAKS =
  /prom\.test|9090|10\.9\.8\.7|10\.1\.2\.3|ECONNREFUSED|fetch failed|stack|cause|at Object/;

async function makeApp(
  options: {
    decision?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    queries?: string[];
    down?: { error: Error };
    /** A second server, after the first, that fails this way. */
    secondDown?: { error: Error };
    /** A fetch for the first server instead of the fake Prometheus. */
    fetch?: typeof fetch;
    timeoutMs?: number;
    logger?: ReturnType<typeof mockServices.logger.mock>;
    exposeDetails?: boolean;
  } = {},
) {
  const queries = options.queries ?? [];
  const logger = options.logger ?? mockServices.logger.mock();
  const errorSettings = { exposeDetails: options.exposeDetails ?? false };
  const servers = [
    {
      name: 'test',
      client: new PrometheusHttpClient(
        {
          name: 'test',
          baseUrl: 'http://prom.test:9090',
          timeoutMs: options.timeoutMs ?? 500,
          configKey: 'slo.prometheus[0]',
        },
        options.fetch ?? prometheus(queries, options.down),
      ),
    },
  ];
  if (options.secondDown) {
    servers.push({
      name: 'eu-west-1b',
      client: new PrometheusHttpClient(
        {
          name: 'eu-west-1b',
          baseUrl: 'http://10.1.2.3:9090',
          timeoutMs: 500,
          configKey: 'slo.prometheus[1]',
        },
        prometheus([], options.secondDown),
      ),
    });
  }
  const errors = new SourceErrors({ settings: errorSettings, logger });
  const router = await createRouter({
    httpAuth: mockServices.httpAuth(),
    permissions: mockServices.permissions({
      result: options.decision ?? AuthorizeResult.ALLOW,
    }),
    catalog: catalogServiceMock({ entities: ENTITIES }),
    slos: new SloService({
      reader: new SloReader(servers, 30, { errors }),
      evaluator: new SpecEvaluator(servers, 30, { errors }),
      loader: new SloSpecLoader({ urlReader: mockServices.urlReader.mock() }),
      errors,
    }),
    logger,
    errorSettings,
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
      source: { type: 'sloth-rules' },
      alert: 'page', // 20x over both 1h and 5m
    });
    expect(res.body.slos[0].burnRates['1h']).toBeCloseTo(20, 6);
    expect(res.body.specProblems).toEqual([]);
  });

  it('evaluates the SLOs of the spec the entity points to', async () => {
    const res = await request(await makeApp()).get(
      '/entities/component/default/svc-wallet/slos',
    );
    expect(res.status).toBe(200);
    const fromSpec = res.body.slos.find((s: any) => s.slo === 'availability');
    expect(fromSpec).toMatchObject({
      service: 'svc-wallet',
      objective: 0.999,
      description: 'Requests of svc-wallet without 5xx.',
      source: {
        type: 'spec',
        file: 'wallet.yaml',
        format: 'sloth.slok.dev/v1',
      },
      entityRef: 'component:default/svc-wallet',
    });
    expect(fromSpec.burnRates['5m']).toBeCloseTo(0.1, 6);
  });

  it('reports a malformed spec, naming the file and field, on its entity only', async () => {
    const app = await makeApp();
    const audit = await request(app).get(
      '/entities/component/default/svc-audit/slos',
    );
    expect(audit.status).toBe(200);
    expect(audit.body.specProblems).toEqual([
      {
        entityRef: 'component:default/svc-audit',
        file: 'audit.yaml',
        message:
          'audit.yaml: spec.slos[0].objective: expected a number between 0 and 100',
      },
    ]);
    // Its Sloth rules, if any, are still read.
    expect(audit.body.slos.map((s: any) => s.service)).toEqual(['svc-audit']);
    const wallet = await request(app).get(
      '/entities/component/default/svc-wallet/slos',
    );
    expect(wallet.body.specProblems).toEqual([]);
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

  it('answers 503 naming Prometheus by its configured name when it is down, with a request id; the log has the detail', async () => {
    const logger = mockServices.logger.mock();
    const res = await request(
      await makeApp({ down: { error: refused }, logger }),
    ).get('/entities/component/default/svc-wallet/slos');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'test' refused the connection \(is it running\?\): check slo\.prometheus\[0\]\.baseUrl in the portal config \(request id [0-9a-f]{12}\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
    const id = /request id (\w+)/.exec(res.body.error.message)![1];
    const logged = logger.error.mock.calls.map(c => String(c[0]));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`request id ${id}`);
    expect(logged[0]).toMatch(
      /http:\/\/prom\.test:9090\/api\/v1\/query.*ECONNREFUSED 10\.9\.8\.7:9090/,
    );
  });

  it('answers 503 within the time-out when Prometheus is slow, without internals', async () => {
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise((_resolve, reject) => {
        init.signal!.addEventListener('abort', () =>
          reject(init.signal!.reason),
        );
      })) as unknown as typeof fetch;
    const logger = mockServices.logger.mock();
    const started = Date.now();
    const res = await request(
      await makeApp({ fetch: hanging, timeoutMs: 300, logger }),
    ).get('/entities/component/default/svc-wallet/slos');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'test' did not answer within 300 ms: check that it is up, or raise slo\.prometheus\[0\]\.timeoutMs if it is only slow \(request id [0-9a-f]{12}\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
    expect(String(logger.error.mock.calls[0][0])).toContain(
      'http://prom.test:9090/api/v1/query',
    );
  });

  it('reports a second server that is down inside the answer, in the same words, without its address', async () => {
    const logger = mockServices.logger.mock();
    const res = await request(
      await makeApp({ secondDown: { error: refused }, logger }),
    ).get('/entities/component/default/svc-wallet/slos');
    expect(res.status).toBe(200);
    expect(res.body.slos.length).toBeGreaterThan(0);
    expect(res.body.errors).toEqual([
      {
        server: 'eu-west-1b',
        message:
          "Prometheus 'eu-west-1b' refused the connection (is it running?): check slo.prometheus[1].baseUrl in the portal config",
      },
    ]);
    expect(JSON.stringify(res.body)).not.toMatch(/10\.1\.2\.3|ECONNREFUSED/);
    // Its address is in the log.
    expect(
      logger.warn.mock.calls.some(c => String(c[0]).includes('10.1.2.3:9090')),
    ).toBe(true);
  });
});

describe('GET /entities/:kind/:namespace/:name/slos/history', () => {
  it('answers the budget spent hour by hour, of the spec and of the rules', async () => {
    const queries: string[] = [];
    const res = await request(await makeApp({ queries })).get(
      '/entities/component/default/svc-wallet/slos/history',
    );
    expect(res.status).toBe(200);
    expect(res.body.queries).toBe(2);
    const bySlo = Object.fromEntries(
      res.body.series.map((s: any) => [s.slo, s]),
    );
    // The spec: 0.0001 errors a second out of 10, against a 0.1% budget.
    expect(bySlo.availability.weighting).toBe('events');
    expect(bySlo.availability.points).toHaveLength(1);
    expect(bySlo.availability.points[0].remainingRatio).toBeCloseTo(
      1 - 0.0001 / (0.001 * 10),
      8,
    );
    // Sloth's rules: a ratio of 0.0001 against 0.001.
    expect(bySlo['requests-availability'].weighting).toBe('time');
    expect(bySlo['requests-availability'].points[0].remainingRatio).toBeCloseTo(
      0.9,
      8,
    );
    expect(queries.some(q => q.includes('slo:sli_error:ratio_rate1h'))).toBe(
      true,
    );
  });

  it('answers 503 when Prometheus is down', async () => {
    const res = await request(
      await makeApp({ down: { error: new TypeError('fetch failed') } }),
    ).get('/entities/component/default/svc-ledger/slos/history');
    expect(res.status).toBe(503);
  });
});

describe('GET /board', () => {
  it('reads every SLO in three queries, most urgent first', async () => {
    const queries: string[] = [];
    const res = await request(await makeApp({ queries })).get('/board');
    expect(res.status).toBe(200);
    // Sloth's rules: two queries; the spec SLOs: one union.
    expect(res.body.queries).toBe(3);
    expect(queries).toHaveLength(3);
    expect(
      res.body.slos.map((s: any) => `${s.entityRef} ${s.service}/${s.slo}`),
    ).toEqual([
      'component:default/svc-ledger ledger-core/requests-availability', // paging
      // then by budget left (90% of a 0.1% budget), service and SLO name
      'component:default/platform-gitops platform-gitops/requests-availability',
      'component:default/svc-audit svc-audit/requests-availability',
      'component:default/svc-wallet svc-wallet/availability',
      'component:default/svc-wallet svc-wallet/requests-availability',
      // 98% of a 0.5% budget left
      'component:default/platform-gitops platform-gitops/availability',
    ]);
    expect(res.body.specProblems.map((p: any) => p.entityRef)).toEqual([
      'component:default/svc-audit',
    ]);
  });

  it('filters by owner and by system', async () => {
    const app = await makeApp();
    const owner = await request(app).get(
      '/board?owner=group:default/platform-team',
    );
    expect(owner.status).toBe(200);
    expect(
      [...new Set(owner.body.slos.map((s: any) => s.entityRef))].sort(),
    ).toEqual([
      'component:default/platform-gitops',
      'component:default/svc-audit',
    ]);
    const system = await request(app).get(
      '/board?system=system:default/platform',
    );
    expect([...new Set(system.body.slos.map((s: any) => s.entityRef))]).toEqual(
      ['component:default/platform-gitops'],
    );
  });

  it('rejects an unknown or malformed filter', async () => {
    const app = await makeApp();
    expect((await request(app).get('/board?team=x')).status).toBe(400);
    expect((await request(app).get('/board?owner=platform team')).status).toBe(
      400,
    );
  });

  it('answers 503 when Prometheus is down', async () => {
    const res = await request(await makeApp({ down: { error: refused } })).get(
      '/board',
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Prometheus 'test' refused the connection .*\(request id \w+\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
  });

  it('names every server when all are down', async () => {
    const res = await request(
      await makeApp({
        down: { error: refused },
        secondDown: { error: refused },
      }),
    ).get('/board');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^None of the 2 Prometheus servers answered: Prometheus 'test' refused the connection .*; Prometheus 'eu-west-1b' refused the connection .* \(request id \w+\)$/,
    );
    expect(JSON.stringify(res.body)).not.toMatch(LEAKS);
  });
});

describe.each([
  '/board',
  '/entities/component/default/svc-wallet/slos',
  '/entities/component/default/svc-wallet/slos/history',
])('GET %s', route => {
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
});
