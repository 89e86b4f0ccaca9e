import { SloStatus } from '@internal/plugin-slo-common';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { freePort, serviceEnv } from '@internal/test-services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  prepareSlothPrometheus,
  SHARES,
  slothRatio30d,
  windowRatio,
} from '../__testUtils__/slothPrometheus';
import { byUrgency } from './SloService';
import { SloReader } from './SloReader';

// A real Prometheus (Debian's) of its own with the rules `sloth generate`
// makes from the catalog's specs, over 30 days of the raw metrics those
// specs query at known shares (see slothPrometheus.ts), read at t0: every
// expected number below is worked out by hand from the shares.
const PORT = 59191;
const haveServices = Boolean(serviceEnv('LOCALPLUS_PROMETHEUS_URL'));

const describeWithPrometheus = haveServices ? describe : describe.skip;

describeWithPrometheus('SloReader against a real Prometheus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-prometheus-'));
  // A whole minute, t0: the samples are half a minute off it.
  const t0 = Math.floor(Date.now() / 60_000) * 60 - 120;
  const now = () => t0 * 1000;
  let prometheus: ReturnType<typeof prepareSlothPrometheus>['prometheus'];
  const start = async () => {
    prometheus.start();
    await prometheus.ready();
  };
  const stop = () => prometheus.stop();
  const live = {
    name: 'test',
    client: new PrometheusHttpClient({
      name: 'test',
      baseUrl: `http://127.0.0.1:${PORT}`,
      timeoutMs: 5000,
    }),
  };
  const reader = new SloReader([live], 30, { now });
  const services = ['svc-ledger', 'svc-wallet', 'svc-merchant'];
  const find = (slos: SloStatus[], key: string) =>
    slos.find(s => `${s.service}/${s.slo}` === key)!;

  beforeAll(async () => {
    prometheus = prepareSlothPrometheus({ dir, port: PORT, t0 }).prometheus;
    await start();
  }, 600_000);
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("computes budgets and burn rates from Sloth's rules that match the hand-computed values", async () => {
    const { slos, queries, errors } = await reader.read(services);
    expect(queries).toBe(2); // three services, one batch
    expect(errors).toEqual([]);
    // Every SLO of the three services' specs, and only those.
    expect(slos.map(s => `${s.service}/${s.slo}`).sort()).toEqual([
      'svc-ledger/availability',
      'svc-ledger/latency-p99',
      'svc-merchant/requests-availability',
      'svc-merchant/requests-latency',
      'svc-wallet/availability',
    ]);
    expect(new Set(slos.map(s => s.source?.type))).toEqual(
      new Set(['sloth-rules']),
    );

    // svc-ledger availability, 99.9%: a 0.1% budget, 43.2 minutes over 30
    // days. Errors 2% in the last hour, 0.05% the rest of the day.
    const ledger = find(slos, 'svc-ledger/availability');
    expect(ledger.objective).toBeCloseTo(0.999, 12);
    expect(ledger.burnRates['5m']).toBeCloseTo(20, 6); // k = 0…3, all 2%
    expect(ledger.burnRates['1h']).toBeCloseTo(20, 6); // k = 0…58
    expect(ledger.burnRates['2h']).toBeCloseTo(
      (60 * 0.02 + 59 * 0.0005) / 119 / 0.001,
      6,
    );
    expect(ledger.burnRates['3d']).toBeCloseTo(
      windowRatio(SHARES.ledgerErrors, 3 * 1440) / 0.001,
      6,
    );
    // Sloth's 30-day ratio is the mean of its 5-minute ratios, recorded
    // every minute (j = 0…43199), each the mean of the minutes j…j+3: so
    // minute k counts 1, 2, 3 times for k = 0, 1, 2, four times up to 43199,
    // then 3, 2, 1 times; over 4 x 43200 in all.
    const ratio30d = slothRatio30d(SHARES.ledgerErrors);
    expect(ratio30d).toBeCloseTo(
      (0.02 * (1 + 2 + 3 + 4 * 57) +
        0.0005 * 4 * 1380 +
        0.0002 * (4 * 41760 + 3 + 2 + 1)) /
        (4 * 43200),
      12,
    );
    expect(ledger.sli).toBeCloseTo(1 - ratio30d, 9);
    expect(ledger.errorBudget.totalMinutes).toBeCloseTo(43.2, 6);
    expect(ledger.errorBudget.remainingRatio).toBeCloseTo(
      1 - ratio30d / 0.001,
      6,
    );
    expect(ledger.errorBudget.remainingMinutes).toBeCloseTo(
      (1 - ratio30d / 0.001) * 43.2,
      4,
    );
    expect(ledger.alert).toBe('page'); // 20x over 1h and 5m
    expect(ledger.hoursToExhaustion).toBeCloseTo(
      ((1 - ratio30d / 0.001) * 720) / 20,
      4,
    );

    // svc-ledger latency, 99% under 200 ms: 4% slow over the last day.
    const latency = find(slos, 'svc-ledger/latency-p99');
    for (const w of ['5m', '30m', '1h', '2h', '6h', '1d'] as const) {
      expect(latency.burnRates[w]).toBeCloseTo(4, 6);
    }
    expect(latency.alert).toBe('ticket'); // 4x over 1d and 2h, under 6x and 14.4x
    expect(latency.errorBudget.remainingRatio).toBeCloseTo(
      1 - slothRatio30d(SHARES.ledgerSlow) / 0.01,
      6,
    );

    // svc-merchant, 99.5%: a 0.5% budget; 2% errors over the last day.
    const merchant = find(slos, 'svc-merchant/requests-availability');
    expect(merchant.objective).toBeCloseTo(0.995, 12);
    expect(merchant.burnRates['1d']).toBeCloseTo(4, 6);
    expect(merchant.burnRates['2h']).toBeCloseTo(4, 6);
    expect(merchant.alert).toBe('ticket');
    expect(merchant.errorBudget.remainingRatio).toBeCloseTo(
      1 - slothRatio30d(SHARES.merchantErrors) / 0.005,
      6,
    );
    expect(
      find(slos, 'svc-merchant/requests-latency').burnRates['1h'],
    ).toBeCloseTo(0.2, 6); // 0.2% slow on a 1% budget

    // svc-wallet: 0.01% errors against 0.1%, everywhere.
    const wallet = find(slos, 'svc-wallet/availability');
    expect(wallet.alert).toBe('ok');
    expect(wallet.burnRates['3d']).toBeCloseTo(0.1, 6);
    expect(wallet.errorBudget.remainingRatio).toBeCloseTo(0.9, 6);

    // Paging first, then the tickets by the budget they have left (ledger
    // latency ~38%, merchant ~48%), then the calm ones.
    expect([...slos].sort(byUrgency).map(s => `${s.service}/${s.slo}`)).toEqual(
      [
        'svc-ledger/availability',
        'svc-ledger/latency-p99',
        'svc-merchant/requests-availability',
        'svc-merchant/requests-latency',
        'svc-wallet/availability',
      ],
    );
  });

  it("spends the budget hour by hour from Sloth's 1-hour ratio", async () => {
    const { series, errors, queries } = await reader.history('svc-merchant');
    expect(errors).toEqual([]);
    expect(queries).toBe(1);
    const availability = series.find(s => s.slo === 'requests-availability')!;
    expect(availability.weighting).toBe('time');
    expect(availability.points).toHaveLength(720);
    expect(availability.points[719].t).toBe(t0 * 1000);
    // Each point is the hour before it: 696 hours at 0.2%, then 24 at 2%,
    // against 720 hours of a 0.5% budget.
    expect(availability.points[0].remainingRatio).toBeCloseTo(
      1 - 0.002 / (720 * 0.005),
      8,
    );
    expect(availability.points[695].remainingRatio).toBeCloseTo(
      1 - (696 * 0.002) / (720 * 0.005),
      8,
    );
    expect(availability.points[719].remainingRatio).toBeCloseTo(
      1 - (696 * 0.002 + 24 * 0.02) / (720 * 0.005),
      8,
    );
  });

  it('keeps the SLOs of the servers that answer when one is down', async () => {
    const down = {
      name: 'eu-west-1b',
      client: new PrometheusHttpClient({
        name: 'eu-west-1b',
        // Nothing listens on it.
        baseUrl: `http://127.0.0.1:${await freePort()}`,
        timeoutMs: 1000,
        configKey: 'slo.prometheus[1]',
      }),
    };
    const result = await new SloReader([live, down], 30, { now }).read(
      services,
    );
    expect(result.slos).toHaveLength(5);
    expect(result.queries).toBe(4);
    expect(result.errors).toEqual([
      {
        server: 'eu-west-1b',
        message:
          "Prometheus 'eu-west-1b' refused the connection (is it running?): start the dev services with make start, or check slo.prometheus[1].baseUrl",
      },
    ]);
  });

  it('fails clearly while Prometheus is stopped, and recovers', async () => {
    await stop();
    await expect(reader.read(services)).rejects.toThrow(
      /^Prometheus 'test' refused the connection/,
    );
    await start();
    const { slos } = await reader.read(services);
    expect(slos).toHaveLength(5);
  });

  it('refuses a service name that would change the query', async () => {
    await expect(reader.read(['svc-ledger"}) or vector(1) #'])).rejects.toThrow(
      'is not a service name',
    );
  });
});
