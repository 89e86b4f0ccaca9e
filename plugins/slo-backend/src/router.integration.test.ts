import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { serviceEnv } from '@internal/test-services';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import {
  CATALOG_DIR,
  prepareSlothPrometheus,
  SHARES,
  slothRatio30d,
} from './__testUtils__/slothPrometheus';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';
import { SloService } from './services/SloService';
import { SpecEvaluator } from './services/SpecEvaluator';
import { SloSpecLoader } from './services/specs/SloSpecLoader';

// The SLO routes end to end against what production has: the catalog's
// components as catalog/components.yaml declares them (spec files and all),
// and a real Prometheus with the rules `sloth generate` makes from the
// catalog's specs, over 30 days of raw metrics at known shares (see
// slothPrometheus.ts).
const PORT = 59193;
const haveServices = Boolean(serviceEnv('LOCALPLUS_PROMETHEUS_URL'));
const describeWithPrometheus = haveServices ? describe : describe.skip;

/** The catalog's components, with what the catalog adds to them. */
function catalogComponents(): Entity[] {
  const file = path.join(CATALOG_DIR, 'components.yaml');
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))
    .map(d => d.toJS() as Entity)
    .filter(e => e?.kind === 'Component')
    .map(e => ({
      ...e,
      metadata: {
        ...e.metadata,
        namespace: 'default',
        annotations: {
          ...e.metadata.annotations,
          'backstage.io/managed-by-location': `file:${file}`,
        },
      },
      relations: [
        { type: 'ownedBy', targetRef: String(e.spec?.owner) },
        ...(e.spec?.system
          ? [{ type: 'partOf', targetRef: String(e.spec.system) }]
          : []),
      ],
    }));
}

describeWithPrometheus('SLO routes on the catalog and Sloth’s rules', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-router-prom-'));
  const t0 = Math.floor(Date.now() / 60_000) * 60 - 60;
  const now = () => t0 * 1000;
  let prometheus: ReturnType<typeof prepareSlothPrometheus>['prometheus'];
  let app: express.Express;

  beforeAll(async () => {
    prometheus = prepareSlothPrometheus({ dir, port: PORT, t0 }).prometheus;
    prometheus.start();
    await prometheus.ready();
    const servers = [
      {
        name: 'test',
        client: new PrometheusHttpClient({
          name: 'test',
          baseUrl: `http://127.0.0.1:${PORT}`,
          timeoutMs: 5000,
          configKey: 'slo.prometheus[0]',
        }),
      },
    ];
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock({ entities: catalogComponents() }),
      slos: new SloService({
        reader: new SloReader(servers, 30, { now }),
        evaluator: new SpecEvaluator(servers, 30, { now }),
        loader: new SloSpecLoader({
          urlReader: mockServices.urlReader.mock(),
        }),
      }),
      logger: mockServices.logger.mock(),
      errorSettings: { exposeDetails: false },
    });
    app = express().use(router).use(mockErrorHandler());
  }, 600_000);
  afterAll(async () => {
    await prometheus?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the product team's board from its specs and from Sloth's rules, most urgent first", async () => {
    const res = await request(app).get(
      '/board?owner=group:default/product-team',
    );
    expect(res.status).toBe(200);
    // Every spec the catalog points to parses and evaluates.
    expect(res.body.specProblems).toEqual([]);
    expect(res.body.errors).toEqual([]);
    const rows = res.body.slos.map(
      (s: any) => `${s.service}/${s.slo} ${s.alert} ${s.source.type}`,
    );
    // svc-ledger and svc-wallet from their specs (Sloth's rules for them
    // are in Prometheus too: the spec wins); svc-merchant has no spec, so
    // from Sloth's rules. svc-giftcard and svc-notification have rules but
    // no metrics here: their SLOs are known (objectives), without figures.
    expect(rows).toEqual([
      'svc-ledger/availability page spec',
      'svc-ledger/latency-p99 ticket spec',
      'svc-merchant/requests-availability ticket sloth-rules',
      'svc-merchant/requests-latency ok sloth-rules',
      'svc-wallet/availability ok spec',
      'svc-giftcard/requests-availability ok sloth-rules',
      'svc-giftcard/requests-latency ok sloth-rules',
      'svc-notification/delivery-latency ok sloth-rules',
      'svc-notification/delivery-success ok sloth-rules',
    ]);
    for (const s of res.body.slos.slice(5)) {
      expect(s.sli).toBeUndefined();
      expect(s.errorBudget.remainingRatio).toBeUndefined();
    }
    const merchant = res.body.slos[2];
    expect(merchant.entityRef).toBe('component:default/svc-merchant');
    expect(merchant.burnRates['2h']).toBeCloseTo(4, 6);
    expect(merchant.errorBudget.remainingRatio).toBeCloseTo(
      1 - slothRatio30d(SHARES.merchantErrors) / 0.005,
      6,
    );
    // The spec's own evaluation: errors over increments, by events.
    expect(res.body.slos[0].burnRates['1h']).toBeCloseTo(20, 6);
  });

  it("answers a rules-only service's SLO tab and its budget over the window", async () => {
    const res = await request(app).get(
      '/entities/component/default/svc-merchant/slos',
    );
    expect(res.status).toBe(200);
    expect(res.body.queries).toBe(2); // Sloth's rules: two queries, no spec
    expect(res.body.slos.map((s: any) => s.slo).sort()).toEqual([
      'requests-availability',
      'requests-latency',
    ]);
    const history = await request(app).get(
      '/entities/component/default/svc-merchant/slos/history',
    );
    expect(history.status).toBe(200);
    const availability = history.body.series.find(
      (s: any) => s.slo === 'requests-availability',
    );
    // 696 hours at 0.2% and 24 at 2%, against 720 hours of a 0.5% budget.
    expect(availability.points).toHaveLength(720);
    expect(availability.points[719].remainingRatio).toBeCloseTo(
      1 - (696 * 0.002 + 24 * 0.02) / (720 * 0.005),
      8,
    );
  });
});
