import {
  LocalPrometheus,
  PrometheusHttpClient,
} from '@internal/prometheus-client';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { byUrgency } from './SloService';
import { SloReader } from './SloReader';

// A real Prometheus (Debian's) of its own, loaded with Sloth's recording
// rules at known values, so budgets and burn rates can be checked by hand.
const PORT = 59191;
const haveServices = Boolean(process.env.LOCALPLUS_PROMETHEUS_URL);
if (!haveServices && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(
    'LOCALPLUS_PROMETHEUS_URL is not set: run scripts/services.sh start',
  );
}
/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

const describeWithPrometheus = haveServices ? describe : describe.skip;

type Slo = {
  service: string;
  slo: string;
  objective: number;
  ratios: Record<string, number>;
};
const SLOS: Slo[] = [
  {
    service: 'svc-ledger',
    slo: 'requests-availability',
    objective: 0.999,
    ratios: {
      '5m': 0.03,
      '30m': 0.01,
      '1h': 0.02,
      '2h': 0.001,
      '6h': 0.002,
      '1d': 0.0005,
      '3d': 0.0004,
      '30d': 0.0004,
    },
  },
  {
    service: 'svc-wallet',
    slo: 'requests-availability',
    objective: 0.999,
    ratios: {
      '5m': 0.0001,
      '30m': 0.0001,
      '1h': 0.0001,
      '2h': 0.0001,
      '6h': 0.0001,
      '1d': 0.0001,
      '3d': 0.0001,
      '30d': 0.0001,
    },
  },
  {
    service: 'svc-merchant',
    slo: 'requests-availability',
    objective: 0.995,
    ratios: {
      '5m': 0.001,
      '30m': 0.001,
      '1h': 0.001,
      '2h': 0.02,
      '6h': 0.004,
      '1d': 0.02,
      '3d': 0.004,
      '30d': 0.006,
    },
  },
];

function rules(): string {
  const lines = [
    'groups:',
    '  - name: sloth-test',
    '    interval: 1s',
    '    rules:',
  ];
  for (const s of SLOS) {
    const labels = `{ sloth_service: ${s.service}, sloth_slo: ${s.slo} }`;
    lines.push(
      `      - record: slo:objective:ratio`,
      `        expr: vector(${s.objective})`,
      `        labels: ${labels}`,
    );
    for (const [w, v] of Object.entries(s.ratios)) {
      lines.push(
        `      - record: slo:sli_error:ratio_rate${w}`,
        `        expr: vector(${v})`,
        `        labels: ${labels}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

describeWithPrometheus('SloReader against a real Prometheus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-prometheus-'));
  const prometheus = new LocalPrometheus({ dir, port: PORT });
  const start = () => {
    prometheus.writeRules(rules());
    prometheus.start();
  };
  const stop = () => prometheus.stop();
  const live = {
    name: 'test',
    client: new PrometheusHttpClient({
      name: 'test',
      baseUrl: `http://127.0.0.1:${PORT}`,
      timeoutMs: 2000,
    }),
  };
  const reader = new SloReader([live], 30);
  const services = ['svc-ledger', 'svc-wallet', 'svc-merchant'];
  async function readAll() {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const result = await reader.read(services);
        if (
          result.slos.length === 3 &&
          result.slos.every(
            s => s.sli !== undefined && s.burnRates['3d'] !== undefined,
          )
        ) {
          return result;
        }
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error('SLOs not loaded in 30 s');
      await new Promise(r => setTimeout(r, 500));
    }
  }

  beforeAll(() => start());
  afterAll(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('computes budgets and burn rates that match the hand-computed values', async () => {
    const { slos, queries, errors } = await readAll();
    expect(queries).toBe(2); // three services, one batch
    expect(errors).toEqual([]);
    const ledger = slos.find(s => s.service === 'svc-ledger')!;
    // 99.9% over 30 days: 43.2 minutes of budget; 0.04% errors spent 40%.
    expect(ledger.sli).toBeCloseTo(0.9996, 9);
    expect(ledger.errorBudget.totalMinutes).toBeCloseTo(43.2, 6);
    expect(ledger.errorBudget.remainingRatio).toBeCloseTo(0.6, 6);
    expect(ledger.errorBudget.remainingMinutes).toBeCloseTo(25.92, 6);
    expect(ledger.burnRates['1h']).toBeCloseTo(20, 6);
    expect(ledger.burnRates['5m']).toBeCloseTo(30, 6);
    expect(ledger.alert).toBe('page');
    expect(ledger.hoursToExhaustion).toBeCloseTo(21.6, 6);

    const merchant = slos.find(s => s.service === 'svc-merchant')!;
    // 99.5%: a 0.5% budget; 0.6% errors overspent it by a fifth.
    expect(merchant.errorBudget.remainingRatio).toBeCloseTo(-0.2, 6);
    expect(merchant.burnRates['1d']).toBeCloseTo(4, 6);
    expect(merchant.alert).toBe('ticket');

    const wallet = slos.find(s => s.service === 'svc-wallet')!;
    expect(wallet.alert).toBe('ok');
    expect(wallet.errorBudget.remainingRatio).toBeCloseTo(0.9, 6);

    expect([...slos].sort(byUrgency).map(s => s.service)).toEqual([
      'svc-ledger',
      'svc-merchant',
      'svc-wallet',
    ]);
  });

  it('keeps the SLOs of the servers that answer when one is down', async () => {
    const down = {
      name: 'eu-west-1b',
      client: new PrometheusHttpClient({
        name: 'eu-west-1b',
        baseUrl: `http://127.0.0.1:${await closedPort()}`,
        timeoutMs: 1000,
        configKey: 'slo.prometheus[1]',
      }),
    };
    const result = await new SloReader([live, down], 30).read(services);
    expect(result.slos).toHaveLength(3);
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
    start();
    const { slos } = await readAll();
    expect(slos).toHaveLength(3);
  });

  it('refuses a service name that would change the query', async () => {
    await expect(reader.read(['svc-ledger"}) or vector(1) #'])).rejects.toThrow(
      'is not a service name',
    );
  });
});
