/*
 * Benchmark of the SLO board for 200 services, against a real Prometheus
 * (Debian's, started here on a private port and data folder):
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/slo-backend/bench/board.ts
 *   (or bash scripts/bench.sh, which runs it among the portal's figures)
 *
 * Two boards of 200 services each:
 *  - "Sloth rules": each service has Sloth's recording rules
 *    (slo:sli_error:ratio_rate<window>, slo:objective:ratio) at varied values;
 *  - "spec files": each service points (local-plus.io/slo-spec) to a Sloth
 *    spec whose SLI queries the backend evaluates over the 8 windows, on
 *    request counters that grow at varied error shares.
 * For each it prints the PromQL round trips one board request makes, the
 * backend's p50/p95 over BENCH_SLO_RUNS requests (the router in-process,
 * over HTTP, with the catalog in memory), and beside them the p50/p95 of
 * the very same PromQL requests sent straight to Prometheus with fetch.
 * Figures, not a pass/fail test.
 */
import { CacheService, UrlReaderService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  LocalPrometheus,
  PrometheusHttpClient,
} from '@internal/prometheus-client';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { createRouter } from '../src/router';
import { SloReader } from '../src/services/SloReader';
import { SloService } from '../src/services/SloService';
import { SpecEvaluator } from '../src/services/SpecEvaluator';
import { SloSpecLoader } from '../src/services/specs/SloSpecLoader';

const SERVICES = Number(process.env.BENCH_SLO_SERVICES ?? 200);
const RUNS = Number(process.env.BENCH_SLO_RUNS ?? 50);
const WARMUP = 5;
const PORT = Number(process.env.BENCH_SLO_PROMETHEUS_PORT ?? 59194);
const PROMETHEUS = `http://127.0.0.1:${PORT}`;

const pad = (n: number) => String(n).padStart(3, '0');
// Varied, repeatable values: a small linear congruential sequence.
let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};

function rules(): string {
  // Every 5 s: often enough for rate() within seconds, without keeping
  // Prometheus busy evaluating 2,200 rules while it is being measured.
  const lines = [
    'groups:',
    '  - name: bench-sloth',
    '    interval: 5s',
    '    rules:',
  ];
  const windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'];
  for (let i = 0; i < SERVICES; i++) {
    const labels = `{ sloth_service: svc-rules-${pad(
      i,
    )}, sloth_slo: requests-availability }`;
    const objective = [0.99, 0.995, 0.999][i % 3];
    lines.push(
      `      - { record: "slo:objective:ratio", expr: "vector(${objective})", labels: ${labels} }`,
    );
    for (const w of windows) {
      const ratio = ((1 - objective) * random() * 3).toFixed(6);
      lines.push(
        `      - { record: "slo:sli_error:ratio_rate${w}", expr: "vector(${ratio})", labels: ${labels} }`,
      );
    }
  }
  // Counters for the spec-file board: 10 requests/s, a varied error share.
  lines.push('  - name: bench-counters', '    interval: 5s', '    rules:');
  for (let i = 0; i < SERVICES; i++) {
    const share = (0.002 * random()).toFixed(6);
    const svc = `service: svc-spec-${pad(i)}`;
    lines.push(
      `      - { record: bench_requests_total, expr: "vector(time() * 10 * ${share})", labels: { ${svc}, code: "500" } }`,
      `      - { record: bench_requests_total, expr: "vector(time() * 10 * (1 - ${share}))", labels: { ${svc}, code: "200" } }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const spec = (service: string) => `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
spec:
  service: ${service}
  slos:
    - name: availability
      objective: 99.9
      sli:
        events:
          errorQuery: 'sum(rate(bench_requests_total{service="${service}",code=~"5.."}[{{.window}}]))'
          totalQuery: 'sum(rate(bench_requests_total{service="${service}"}[{{.window}}]))'
`;

// Each board is one system of the catalog, asked for with ?system=.
const entity = (
  name: string,
  system: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: {
    type: 'service',
    owner: 'group:default/bench',
    lifecycle: 'production',
    system,
  },
  relations: [{ type: 'partOf', targetRef: system }],
});

function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

async function until(what: string, check: () => Promise<boolean>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready in 60 s`);
    await new Promise(r => setTimeout(r, 250));
  }
}

async function instant(query: string) {
  const res = await fetch(
    `${PROMETHEUS}/api/v1/query?${new URLSearchParams({ query })}`,
  );
  return ((await res.json()) as any).data.result as {
    value: [number, string];
  }[];
}

type Sent = { url: string; init?: RequestInit };

const notUsed = async (): Promise<never> => {
  throw new Error('the benchmark reads no URL');
};
const noUrls: UrlReaderService = {
  readUrl: notUsed,
  readTree: notUsed,
  search: notUsed,
};

/** The backend's default cache store is in memory too. */
function memoryCache(): CacheService {
  const store = new Map<string, { value: any; until: number }>();
  const cache: CacheService = {
    async get(key) {
      const hit = store.get(key);
      return hit && hit.until > Date.now() ? hit.value : undefined;
    },
    async set(key, value, options) {
      store.set(key, {
        value,
        until: Date.now() + Number(options?.ttl ?? 60_000),
      });
    },
    async delete(key) {
      store.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slo-bench-'));
  // Its own config: 200 services' rules are evaluated every 5 s, not 1 s.
  const prometheus = new LocalPrometheus({ dir, port: PORT });
  let server: ReturnType<express.Express['listen']> | undefined;
  try {
    fs.writeFileSync(path.join(dir, 'rules.yml'), rules());
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      `global: { evaluation_interval: 5s }\nrule_files: [${path.join(
        dir,
        'rules.yml',
      )}]\n`,
    );
    const catalogFile = path.join(dir, 'catalog', 'components.yaml');
    fs.mkdirSync(path.join(dir, 'catalog', 'slo'), { recursive: true });
    const entities: Entity[] = [];
    for (let i = 0; i < SERVICES; i++) {
      entities.push(entity(`svc-rules-${pad(i)}`, 'system:default/rules'));
      const name = `svc-spec-${pad(i)}`;
      fs.writeFileSync(
        path.join(dir, 'catalog', 'slo', `${name}.yaml`),
        spec(name),
      );
      entities.push(
        entity(name, 'system:default/specs', {
          'backstage.io/managed-by-location': `file:${catalogFile}`,
          'local-plus.io/slo-spec': `./slo/${name}.yaml`,
        }),
      );
    }

    prometheus.start();
    await prometheus.ready();
    await until('the recording rules', async () => {
      const [objectives] = await instant('count(slo:objective:ratio)');
      const [rates] = await instant('count(rate(bench_requests_total[5m]))');
      return (
        Number(objectives?.value[1]) === SERVICES &&
        Number(rates?.value[1]) === 2 * SERVICES
      );
    });

    // The backend: the SLO router in-process, the catalog in memory, and a
    // fetch that records every request sent to Prometheus.
    const sent: Sent[] = [];
    const recording = ((url: string, init?: RequestInit) => {
      // Kept without the abort signal, which is only good for this call.
      sent.push({
        url,
        init: init && {
          method: init.method,
          headers: init.headers,
          body: init.body,
        },
      });
      return fetch(url, init);
    }) as typeof fetch;
    const servers = [
      {
        name: 'bench',
        client: new PrometheusHttpClient(
          { name: 'bench', baseUrl: PROMETHEUS, timeoutMs: 10_000 },
          recording,
        ),
      },
    ];
    const router = await createRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions(),
      catalog: catalogServiceMock({ entities }),
      slos: new SloService({
        reader: new SloReader(servers, 30),
        evaluator: new SpecEvaluator(servers, 30),
        // Spec files are read from disk (file: locations); no URL to read.
        loader: new SloSpecLoader({ urlReader: noUrls, cache: memoryCache() }),
      }),
      logger: mockServices.logger.mock(),
      errorSettings: { exposeDetails: true },
    });
    const app = express();
    app.use(router);
    server = app.listen(0, '127.0.0.1');
    await new Promise(r => server!.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const rows: string[][] = [];
    for (const [label, query] of [
      ['Sloth rules', 'system=system:default/rules'],
      ['spec files', 'system=system:default/specs'],
    ] as const) {
      const board = async () => {
        sent.splice(0);
        const started = performance.now();
        const res = await fetch(`${base}/board?${query}`, {
          headers: { Authorization: 'Bearer mock-user-token' },
        });
        const body = (await res.json()) as { slos: unknown[]; queries: number };
        if (!res.ok)
          throw new Error(
            `board answered ${res.status}: ${JSON.stringify(body)}`,
          );
        return { ms: performance.now() - started, body, sent: [...sent] };
      };
      for (let i = 0; i < WARMUP; i++) await board();
      const backend: number[] = [];
      let last = await board();
      for (let i = 0; i < RUNS; i++) {
        last = await board();
        backend.push(last.ms);
      }
      // The same PromQL requests, straight to Prometheus, sent at once as
      // the backend sends them.
      const replay = () => {
        const started = performance.now();
        return Promise.all(
          last.sent.map(s => fetch(s.url, s.init).then(r => r.text())),
        ).then(() => performance.now() - started);
      };
      for (let i = 0; i < WARMUP; i++) await replay();
      const raw: number[] = [];
      for (let i = 0; i < RUNS; i++) raw.push(await replay());
      rows.push([
        `${SERVICES} services, ${label}`,
        String(last.body.slos.length),
        `${last.body.queries} (${last.sent.length} sent)`,
        percentile(backend, 50).toFixed(1),
        percentile(backend, 95).toFixed(1),
        percentile(raw, 50).toFixed(1),
        percentile(raw, 95).toFixed(1),
      ]);
    }
    const head = [
      'board',
      'SLOs',
      'PromQL round trips',
      'backend p50 ms',
      'p95 ms',
      'raw PromQL p50 ms',
      'p95 ms',
    ];
    const widths = head.map((h, i) =>
      Math.max(h.length, ...rows.map(r => r[i].length)),
    );
    const line = (r: string[]) =>
      r
        .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
        .join('  ');
    console.log(
      `SLO board, ${RUNS} requests each after ${WARMUP} warm-up, Prometheus ${PROMETHEUS}`,
    );
    console.log(line(head));
    rows.forEach(r => console.log(line(r)));
  } finally {
    server?.close();
    await prometheus.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
