import { Entity } from '@backstage/catalog-model';
import { ServiceUnavailableError } from '@backstage/errors';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { SloBudgetSeries, SloWithEntity } from '@internal/plugin-slo-common';
import { serviceEnv } from '@internal/test-services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CATALOG_DIR,
  prepareSlothPrometheus,
  SHARES,
  slothRatio30d,
} from '../__testUtils__/slothPrometheus';
import { SloReader } from './SloReader';
import { SloService } from './SloService';
import { SpecEvaluator } from './SpecEvaluator';
import { SloSpecLoader } from './specs/SloSpecLoader';

// A real Prometheus (Debian's) of its own with the rules `sloth generate`
// makes from the catalog's specs, over 30 days of the raw metrics those
// specs query at known shares (see slothPrometheus.ts: svc-ledger's errors
// 2% in the last hour, 0.05% the rest of the day, 0.02% before; 4% slower
// than 200 ms over the last day, 0.5% before; svc-merchant's errors 2% over
// the last day, 0.2% before), and SLO spec files: svc-ledger's own from the
// catalog, the same SLOs in the prometheus/v1 and OpenSLO forms, a broken
// and a malformed one. Every expected number below is worked out by hand
// from the shares.
const PORT = 59192;
const haveServices = Boolean(serviceEnv('LOCALPLUS_PROMETHEUS_URL'));
const describeWithPrometheus = haveServices ? describe : describe.skip;

const AVAILABILITY_ERRORS =
  'sum(rate(http_server_request_duration_seconds_count{service_name="svc-ledger",http_response_status_code=~"5.."}[{{.window}}]))';
const ALL =
  'sum(rate(http_server_request_duration_seconds_count{service_name="svc-ledger"}[{{.window}}]))';
const SLOW = `${ALL} - sum(rate(http_server_request_duration_seconds_bucket{service_name="svc-ledger",le="0.2"}[{{.window}}]))`;

const SPECS: Record<string, string> = {
  'ledger-v0/slo.yaml': `
version: prometheus/v1
service: ledger-v0
slos:
  - name: availability
    objective: 99.9
    sli:
      events:
        error_query: '${AVAILABILITY_ERRORS}'
        total_query: '${ALL}'
  - name: latency-p99
    objective: 99
    sli:
      events:
        error_query: '${SLOW}'
        total_query: '${ALL}'
`,
  'ledger-openslo/slo.yaml': `
apiVersion: openslo/v1
kind: SLO
metadata: { name: availability }
spec:
  service: ledger-openslo
  budgetingMethod: Occurrences
  timeWindow: [{ duration: 30d, isRolling: true }]
  indicator:
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec: { query: 'http_server_request_duration_seconds_count{service_name="svc-ledger",http_response_status_code!~"5.."}' }
        total:
          metricSource:
            type: Prometheus
            spec: { query: 'http_server_request_duration_seconds_count{service_name="svc-ledger"}' }
  objectives:
    - target: 0.999
---
apiVersion: openslo/v1
kind: SLO
metadata: { name: latency-p99 }
spec:
  service: ledger-openslo
  budgetingMethod: Occurrences
  indicatorRef: ledger-latency
  objectives:
    - { op: lte, value: 0.2, targetPercent: 99 }
---
apiVersion: openslo/v1
kind: SLI
metadata: { name: ledger-latency }
spec:
  thresholdMetric:
    metricSource:
      type: Prometheus
      spec: { query: 'http_server_request_duration_seconds_bucket{service_name="svc-ledger"}' }
`,
  'broken/sloth.yaml': `
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
spec:
  service: svc-broken
  slos:
    - name: availability
      objective: 99
      sli:
        events:
          errorQuery: 'sum(rate(http_server_request_duration_seconds_count[{{.window}}])) +'
          totalQuery: '${ALL}'
`,
  'malformed/sloth.yaml': `
apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
spec:
  service: svc-malformed
  slos:
    - name: availability
      objective: 250
      sli: { raw: { errorRatioQuery: 'x[{{.window}}]' } }
`,
};

describeWithPrometheus(
  'SLOs from spec files, against a real Prometheus',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-spec-prometheus-'));
    const catalog = path.join(dir, 'catalog');
    // A whole hour, t0: the minutes and hours worked out below line up on it.
    const t0 = Math.floor(Date.now() / 3_600_000) * 3600;
    const now = () => t0 * 1000;
    let prometheus: ReturnType<typeof prepareSlothPrometheus>['prometheus'];

    const entity = (
      name: string,
      spec?: string,
      catalogDir = catalog,
    ): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/managed-by-location': `file:${catalogDir}/components.yaml`,
          ...(spec ? { 'local-plus.io/slo-spec': `./${spec}` } : {}),
        },
      },
      spec: { type: 'service', owner: 'group:default/product-team' },
    });
    // svc-ledger as the catalog has it: its spec is the one production uses.
    const ledger = entity(
      'svc-ledger',
      'services/svc-ledger/slo/sloth.yaml',
      CATALOG_DIR,
    );
    const v0 = entity('ledger-v0', 'ledger-v0/slo.yaml');
    const openSlo = entity('ledger-openslo', 'ledger-openslo/slo.yaml');
    const broken = entity('svc-broken', 'broken/sloth.yaml');
    const malformed = entity('svc-malformed', 'malformed/sloth.yaml');
    // No spec: its SLOs come from Sloth's recording rules alone.
    const merchant = entity('svc-merchant');

    const server = (timeoutMs = 2000) => ({
      name: 'test',
      client: new PrometheusHttpClient({
        name: 'test',
        baseUrl: `http://127.0.0.1:${PORT}`,
        timeoutMs,
        configKey: 'slo.prometheus[0]',
      }),
    });
    const service = (
      options: { timeoutMs?: number; maxQueryChars?: number } = {},
    ) => {
      const servers = [server(options.timeoutMs)];
      return new SloService({
        reader: new SloReader(servers, 30, { now }),
        evaluator: new SpecEvaluator(servers, 30, {
          now,
          maxQueryChars: options.maxQueryChars,
        }),
        loader: new SloSpecLoader({
          urlReader: {
            readUrl: jest.fn(),
            readTree: jest.fn(),
            search: jest.fn(),
          },
        }),
      });
    };

    const start = () => prometheus.start();
    const stop = () => prometheus.stop();
    const ready = () => prometheus.ready();

    beforeAll(async () => {
      for (const [file, text] of Object.entries(SPECS)) {
        fs.mkdirSync(path.dirname(path.join(catalog, file)), {
          recursive: true,
        });
        fs.writeFileSync(path.join(catalog, file), text);
      }
      prometheus = prepareSlothPrometheus({ dir, port: PORT, t0 }).prometheus;
      start();
      await ready();
    }, 600_000);
    afterAll(async () => {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const find = (slos: SloWithEntity[], name: string, slo: string) => {
      const found = slos.find(s => s.service === name && s.slo === slo);
      if (!found)
        throw new Error(`no ${name}/${slo} in ${JSON.stringify(slos)}`);
      return found;
    };

    it('computes the budgets and burn rates of a Sloth spec by hand', async () => {
      const { slos, queries, errors, specProblems } =
        await service().forEntities([ledger]);
      expect(errors).toEqual([]);
      expect(specProblems).toEqual([]);
      // Two queries for Sloth's recording rules, one union for both spec SLOs.
      expect(queries).toBe(3);
      // Prometheus has Sloth's rules for the same two SLOs: the spec wins.
      expect(slos.map(s => `${s.slo} ${s.source?.type}`).sort()).toEqual([
        'availability spec',
        'latency-p99 spec',
      ]);

      const availability = find(slos, 'svc-ledger', 'availability');
      expect(availability).toMatchObject({
        entityRef: 'component:default/svc-ledger',
        objective: 0.999,
        description:
          'Earn and Burn API requests answered without a server error (HTTP 5xx), over 30 days.',
        source: {
          type: 'spec',
          file: 'services/svc-ledger/slo/sloth.yaml',
          format: 'sloth.slok.dev/v1',
        },
        alert: 'page', // 20x over both 1h and 5m
      });
      // Budget 0.1%. Errors: 2% for k < 60, 0.05% for k < 1440, 0.02% after.
      const burn = availability.burnRates;
      expect(burn['5m']).toBeCloseTo(20, 8); // k = 0…3, all 2%
      expect(burn['30m']).toBeCloseTo(20, 8);
      expect(burn['1h']).toBeCloseTo(20, 8); // k = 0…58
      expect(burn['2h']).toBeCloseTo(
        (60 * 0.02 + 59 * 0.0005) / 119 / 0.001,
        8,
      );
      expect(burn['6h']).toBeCloseTo(
        (60 * 0.02 + 299 * 0.0005) / 359 / 0.001,
        8,
      );
      expect(burn['1d']).toBeCloseTo(
        (60 * 0.02 + 1379 * 0.0005) / 1439 / 0.001,
        8,
      );
      expect(burn['3d']).toBeCloseTo(
        (60 * 0.02 + 1380 * 0.0005 + 2879 * 0.0002) / 4319 / 0.001,
        8,
      );
      // 30 days: k = 0…43198, i.e. 60 at 2%, 1380 at 0.05%, 41759 at 0.02%.
      const ratio30d = (60 * 0.02 + 1380 * 0.0005 + 41759 * 0.0002) / 43199;
      expect(availability.sli).toBeCloseTo(1 - ratio30d, 10);
      expect(availability.errorBudget.totalMinutes).toBeCloseTo(43.2, 10);
      expect(availability.errorBudget.remainingRatio).toBeCloseTo(
        1 - ratio30d / 0.001,
        8,
      );
      expect(availability.errorBudget.remainingMinutes).toBeCloseTo(
        (1 - ratio30d / 0.001) * 43.2,
        6,
      );
      // What is left of 720 hours of budget, spent 20 times too fast.
      expect(availability.hoursToExhaustion).toBeCloseTo(
        ((1 - ratio30d / 0.001) * 720) / 20,
        6,
      );

      // Latency, p99 < 200 ms: budget 1%; 4% slow over the last day.
      const latency = find(slos, 'svc-ledger', 'latency-p99');
      expect(latency.alert).toBe('ticket'); // 4x over 1d and 2h, under 6x and 14.4x
      for (const w of ['5m', '30m', '1h', '2h', '6h', '1d'] as const) {
        expect(latency.burnRates[w]).toBeCloseTo(4, 8);
      }
      expect(latency.burnRates['3d']).toBeCloseTo(
        (1440 * 0.04 + 2879 * 0.005) / 4319 / 0.01,
        8,
      );
      expect(latency.errorBudget.remainingRatio).toBeCloseTo(
        1 - (1440 * 0.04 + 41759 * 0.005) / 43199 / 0.01,
        8,
      );
    });

    it('gives the same numbers from the prometheus/v1 and OpenSLO forms of the spec', async () => {
      const { slos } = await service().forEntities([ledger, v0, openSlo]);
      for (const slo of ['availability', 'latency-p99']) {
        const sloth = find(slos, 'svc-ledger', slo);
        for (const other of [
          find(slos, 'ledger-v0', slo),
          find(slos, 'ledger-openslo', slo),
        ]) {
          expect(other.objective).toBe(sloth.objective);
          expect(other.alert).toBe(sloth.alert);
          expect(other.errorBudget.remainingRatio).toBeCloseTo(
            sloth.errorBudget.remainingRatio!,
            8,
          );
          for (const w of Object.keys(
            sloth.burnRates,
          ) as (keyof typeof sloth.burnRates)[]) {
            expect(other.burnRates[w]).toBeCloseTo(sloth.burnRates[w]!, 8);
          }
        }
      }
      expect(find(slos, 'ledger-openslo', 'availability').source).toEqual({
        type: 'spec',
        file: 'ledger-openslo/slo.yaml',
        format: 'openslo/v1',
      });
    });

    it('answers a board of every entity in a few counted queries; a bad spec only marks itself', async () => {
      const board = [ledger, v0, openSlo, merchant, malformed];
      // 6 spec SLOs in one union, plus Sloth's two queries.
      expect((await service().forEntities(board)).queries).toBe(3);
      // The same SLOs when each union may hold only one SLO: one query each.
      expect(
        (await service({ maxQueryChars: 1 }).forEntities(board)).queries,
      ).toBe(8);

      const result = await service().forEntities([...board, broken]);
      // The union with the broken query is refused; its 7 SLOs are then asked
      // one by one to find the culprit: 1 + 7, plus Sloth's 2.
      expect(result.queries).toBe(10);
      expect(result.specProblems).toEqual([
        {
          entityRef: 'component:default/svc-malformed',
          file: 'malformed/sloth.yaml',
          message:
            'malformed/sloth.yaml: spec.slos[0].objective: expected a number between 0 and 100',
        },
        {
          entityRef: 'component:default/svc-broken',
          file: 'broken/sloth.yaml',
          message: expect.stringMatching(
            /^broken\/sloth\.yaml: spec\.slos\[0\]\.sli: Prometheus rejected the SLI query of availability: .*parse error/,
          ),
        },
      ]);
      expect(result.slos.map(s => `${s.service}/${s.slo}`).sort()).toEqual([
        'ledger-openslo/availability',
        'ledger-openslo/latency-p99',
        'ledger-v0/availability',
        'ledger-v0/latency-p99',
        'svc-ledger/availability',
        'svc-ledger/latency-p99',
        'svc-merchant/requests-availability',
        'svc-merchant/requests-latency',
      ]);
      // Most urgent first: the three paging availability SLOs lead.
      expect(result.slos.slice(0, 3).map(s => s.alert)).toEqual([
        'page',
        'page',
        'page',
      ]);
      // svc-merchant, from Sloth's rules: 2% errors over the last day on a
      // 0.5% budget (4x: a ticket), and Sloth's 30-day ratio.
      const fromRules = find(
        result.slos,
        'svc-merchant',
        'requests-availability',
      );
      expect(fromRules).toMatchObject({
        entityRef: 'component:default/svc-merchant',
        source: { type: 'sloth-rules' },
        alert: 'ticket',
      });
      expect(fromRules.burnRates['1d']).toBeCloseTo(4, 6);
      expect(fromRules.errorBudget.remainingRatio).toBeCloseTo(
        1 - slothRatio30d(SHARES.merchantErrors) / 0.005,
        6,
      );
    });

    it('spends the budget hour by hour over the window', async () => {
      const history = await service().history(ledger);
      expect(history.queries).toBe(2); // Sloth's rules, and the spec's SLOs
      expect(history.errors).toEqual([]);
      const series = (slo: string): SloBudgetSeries =>
        history.series.find(s => s.slo === slo)!;

      // 720 hours; each hour block (t - 1h, t] holds 36000 requests
      // (600 a minute). The budget is 0.1% of 720 x 36000 = 25920 errors.
      const availability = series('availability');
      expect(availability.weighting).toBe('events');
      expect(availability.points).toHaveLength(720);
      expect(availability.points[0].t).toBe((t0 - 719 * 3600) * 1000);
      expect(availability.points[719].t).toBe(t0 * 1000);
      // Before the last day: 0.02% errors, 7.2 an hour.
      expect(availability.points[0].remainingRatio).toBeCloseTo(
        1 - 7.2 / 25920,
        8,
      );
      expect(availability.points[695].remainingRatio).toBeCloseTo(
        1 - (696 * 7.2) / 25920,
        8,
      );
      // Then 23 hours at 0.05% (18 an hour) and the last hour at 2% (720).
      expect(availability.points[718].remainingRatio).toBeCloseTo(
        1 - (696 * 7.2 + 23 * 18) / 25920,
        8,
      );
      expect(availability.points[719].remainingRatio).toBeCloseTo(
        1 - (696 * 7.2 + 23 * 18 + 720) / 25920,
        8,
      );

      // Latency: budget 1% of 720 x 36000 = 259200; 180 slow an hour, then
      // 1440 an hour over the last day.
      expect(series('latency-p99').points[719].remainingRatio).toBeCloseTo(
        1 - (696 * 180 + 24 * 1440) / 259200,
        8,
      );

      // From Sloth's 1-hour ratio, hours weigh the same: svc-merchant's 696
      // hours at 0.2% and 24 at 2%, against 720 hours x 0.5%.
      const rules = await service().history(merchant);
      expect(rules.errors).toEqual([]);
      const fromRules = rules.series.find(
        s => s.slo === 'requests-availability',
      )!;
      expect(fromRules.weighting).toBe('time');
      expect(fromRules.points).toHaveLength(720);
      expect(fromRules.points[719].remainingRatio).toBeCloseTo(
        1 - (696 * 0.002 + 24 * 0.02) / (720 * 0.005),
        8,
      );
    });

    it('fails within the timeout while Prometheus hangs or is stopped, and recovers by itself', async () => {
      const slo = service({ timeoutMs: 1000 });
      // Paused: it accepts connections but never answers.
      prometheus.pause();
      let started = Date.now();
      const hung = slo.forEntities([ledger]);
      await expect(hung).rejects.toBeInstanceOf(ServiceUnavailableError);
      await expect(hung).rejects.toThrow(
        "Prometheus 'test' did not answer within 1 s: check that it is up, or raise slo.prometheus[0].timeoutMs if it is only slow",
      );
      expect(Date.now() - started).toBeLessThan(2500);
      prometheus.resume();
      expect(
        find(
          (await slo.forEntities([ledger])).slos,
          'svc-ledger',
          'availability',
        ).alert,
      ).toBe('page');

      await stop();
      started = Date.now();
      await expect(slo.history(ledger)).rejects.toThrow(
        /^Prometheus 'test' refused the connection/,
      );
      expect(Date.now() - started).toBeLessThan(2500);
      start();
      await ready();
      const back = await slo.forEntities([ledger]);
      expect(
        find(back.slos, 'svc-ledger', 'availability').burnRates['1h'],
      ).toBeCloseTo(20, 8);
    }, 40_000);
  },
);
