/*
 * Benchmark of the Kyverno plugin: snapshots of 3 clusters of
 * BENCH_KYVERNO_RESULTS results each (default 10,000), read through the real
 * Kubernetes plugin's proxy in a test backend, and the compliance page over
 * the stored results. Figures, not a test:
 *
 *   node --expose-gc --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/kyverno-backend/bench/reports.ts
 *   (or bash scripts/bench.sh, which runs it among the portal's figures)
 *
 * The clusters are scripts/local-kube-api/server.cjs --generate-results, one
 * child process each (their CPU and memory are not the backend's). Prints:
 *  - reading: the 3 clusters side by side (as Snapshotter.take), and one
 *    cluster alone, p50/p95 over BENCH_KYVERNO_RUNS (30) reads, split into
 *    waiting on the API (proxy, transfer, JSON.parse) and computing; beside
 *    them the floor, the same paged lists fetched straight from the fake APIs;
 *  - writing: SnapshotStore.record of the 3 clusters on SQLite (in memory, as
 *    in development) and PostgreSQL (when LOCALPLUS_PG_HOST is set), then a
 *    second snapshot of the same results;
 *  - the compliance page: ReportService.compliance() p50/p95 on each
 *    database, and GET /api/kyverno/compliance through the plugin's router
 *    after the plugin's own scheduled snapshot, with three filters;
 *  - RSS and heap before and at peak during the first snapshot.
 * BENCH_SHORT=1: 3 × 300 results in small pages, 2 runs; fails on any error.
 */
import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  AuthService,
  DiscoveryService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import {
  ComplianceFilter,
  ComplianceReport,
  SnapshotList,
} from '@internal/plugin-kyverno-common';
import knexFactory, { Knex } from 'knex';
import { ChildProcess, spawn } from 'node:child_process';
import {
  POLICIES_DIR,
  SERVER_SCRIPT,
  TEST_TOKEN,
} from '../src/__testUtils__/localKubeApi';
import kyvernoPlugin from '../src';
import { ClusterRead, ClusterReader } from '../src/services/ClusterReader';
import { KubernetesProxyClient } from '../src/services/KubernetesProxyClient';
import { PolicyCatalogue } from '../src/services/PolicyCatalogue';
import { ReportService } from '../src/services/ReportService';
import { ClusterOutcome, SnapshotStore } from '../src/services/SnapshotStore';

const SHORT = Boolean(process.env.BENCH_SHORT);
const RESULTS = Number(
  process.env.BENCH_KYVERNO_RESULTS ?? (SHORT ? 300 : 10_000),
);
const RUNS = Number(process.env.BENCH_KYVERNO_RUNS ?? (SHORT ? 2 : 30));
/** Side-by-side reads of all clusters (each one a whole snapshot's read). */
const SNAPSHOT_RUNS = SHORT ? 1 : 5;
/** kyverno.pageSize's default; small in short mode so paging is exercised. */
const PAGE_SIZE = SHORT ? 20 : 500;
const CLUSTERS = ['bench-a', 'bench-b', 'bench-c'];
const USER = 'user:default/bench';

const pgServer = process.env.LOCALPLUS_PG_HOST
  ? {
      host: process.env.LOCALPLUS_PG_HOST,
      port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
      user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
      password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
    }
  : undefined;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
};
const f0 = (n: number) => n.toFixed(0);
const f1 = (n: number) => n.toFixed(1);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const p5095 = (xs: number[]) => `${f1(pct(xs, 50))} / ${f1(pct(xs, 95))}`;

function table(head: string[], rows: string[][]) {
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  console.log(line(head));
  rows.forEach(r => console.log(line(r)));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

type FakeCluster = { name: string; url: string };
const children: ChildProcess[] = [];
process.on('exit', () => children.forEach(c => c.kill()));

/** One fake Kubernetes API in its own process, on a free port. */
async function startCluster(name: string): Promise<FakeCluster> {
  const child = spawn(
    process.execPath,
    [
      SERVER_SCRIPT,
      '--port',
      '0',
      '--name',
      name,
      '--token',
      TEST_TOKEN,
      '--generate-results',
      String(RESULTS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  let out = '';
  for await (const chunk of child.stdout!) {
    out += chunk;
    const m = /on (http:\/\/\S+) \(/.exec(out);
    if (m) return { name, url: m[1] };
  }
  throw new Error(`local-kube-api ${name} exited: ${out}`);
}

// A few entities over the generated workloads: by namespace, by
// kubernetes-id, by label selector.
const component = (
  name: string,
  annotations: Record<string, string>,
  system: string,
  owner: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', owner, system },
  relations: [
    { type: 'ownedBy', targetRef: owner },
    { type: 'partOf', targetRef: system },
  ],
});
const ENTITIES = [
  ...[1, 2, 3, 4].map(i =>
    component(
      `svc-bench-0${i}`,
      { 'backstage.io/kubernetes-namespace': `svc-bench-0${i}` },
      i % 2 ? 'system:default/wallet' : 'system:default/ledger',
      i <= 2 ? 'group:default/product-team' : 'group:default/platform-team',
    ),
  ),
  component(
    'bench-0005',
    { 'backstage.io/kubernetes-id': 'bench-0005' },
    'system:default/wallet',
    'group:default/product-team',
  ),
  component(
    'bench-critical',
    {
      'backstage.io/kubernetes-label-selector': 'local-plus.io/criticality=P0',
    },
    'system:default/local-plus',
    'group:default/platform-team',
  ),
];

const FILTERS: [string, ComplianceFilter, string][] = [
  ['no filter', {}, ''],
  ['standard=PCI-DSS', { standard: 'PCI-DSS' }, 'standard=PCI-DSS'],
  ['severity=critical', { severity: ['critical'] }, 'severity=critical'],
];

/** A proxy client that keeps the paths the reader asks for. */
class RecordingClient extends KubernetesProxyClient {
  readonly paths = new Map<string, string[]>();
  async get(cluster: string, path: string): Promise<unknown> {
    if (!path.includes('continue=')) {
      const list = this.paths.get(cluster) ?? [];
      if (!list.includes(path)) list.push(path);
      this.paths.set(cluster, list);
    }
    return super.get(cluster, path);
  }
}

/** The floor: the same lists straight from the fake API, page by page. */
async function rawRead(url: string, paths: string[]) {
  let requests = 0;
  for (const path of paths) {
    let token: string | undefined;
    do {
      const target = new URL(url + path);
      if (token) target.searchParams.set('continue', token);
      const res = await fetch(target, {
        headers: {
          Authorization: `Bearer ${TEST_TOKEN}`,
          Accept: 'application/json',
        },
      });
      requests += 1;
      if (!res.ok) throw new Error(`${target} answered ${res.status}`);
      const body = (await res.json()) as { metadata?: { continue?: string } };
      token = body.metadata?.continue || undefined;
    } while (token);
  }
  return requests;
}

/** Peak RSS and heap while `fn` runs, sampled every 5 ms. */
async function peakMemory<T>(fn: () => Promise<T>) {
  global.gc?.();
  const before = process.memoryUsage();
  const peak = { rss: before.rss, heap: before.heapUsed };
  const sample = () => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss);
    peak.heap = Math.max(peak.heap, m.heapUsed);
  };
  const timer = setInterval(sample, 5);
  try {
    const value = await fn();
    sample();
    return { value, before, peak };
  } finally {
    clearInterval(timer);
  }
}

async function main() {
  const started = performance.now();
  const clusters = await Promise.all(CLUSTERS.map(startCluster));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    // The backend: the Kubernetes plugin, the Kyverno plugin (its schedule
    // run when asked), and a plugin that lends its discovery and auth to the
    // reader measured here.
    const tasks = new Map<string, () => Promise<void>>();
    const scheduler = createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () =>
        ({
          async scheduleTask(task: { id: string; fn: Function }) {
            tasks.set(task.id, () => task.fn(new AbortController().signal));
          },
          async triggerTask(id: string) {
            await tasks.get(id)!();
          },
          async getScheduledTasks() {
            return [];
          },
        } as unknown as SchedulerService),
    });
    let lent: { discovery: DiscoveryService; auth: AuthService } | undefined;
    const lender = createBackendPlugin({
      pluginId: 'kyvernobench',
      register(env) {
        env.registerInit({
          deps: { discovery: coreServices.discovery, auth: coreServices.auth },
          async init(deps) {
            lent = deps;
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        kubernetesPlugin,
        kyvernoPlugin,
        lender,
        scheduler,
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: clusters.map(c => ({
                    name: c.name,
                    url: c.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: TEST_TOKEN,
                    skipMetricsLookup: true,
                  })),
                },
              ],
            },
            kyverno: {
              policies: { directory: POLICIES_DIR },
              pageSize: PAGE_SIZE,
              requestTimeoutMs: 60_000,
              schedule: { frequencyMinutes: 60, initialDelaySeconds: 0 },
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
      ],
    });
    cleanups.push(() => backend.stop());
    const client = new RecordingClient({
      discovery: lent!.discovery,
      auth: lent!.auth,
      timeoutMs: 60_000,
    });
    const reader = new ClusterReader(client, PAGE_SIZE);
    const policies = await PolicyCatalogue.load(
      POLICIES_DIR,
      `${POLICIES_DIR}/../controls.yaml`,
    );
    const digestOf = (policy: string) => policies.policies.get(policy)?.digest;
    const names = (await client.clusters()).map(c => c.name).sort();
    if (names.join() !== CLUSTERS.join())
      throw new Error(`the Kubernetes plugin lists ${names.join(', ')}`);

    const readAll = () =>
      Promise.all(
        CLUSTERS.map(async cluster => ({
          cluster,
          read: await reader.read(cluster),
        })),
      );
    const check = (read: ClusterRead) => {
      if (read.results.length < RESULTS || read.status.warnings.length) {
        throw new Error(
          `${read.status.cluster}: ${
            read.results.length
          } results of ${RESULTS}; ${read.status.warnings[0] ?? ''}`,
        );
      }
    };

    // Warm-up: the proxy's first import of @kubernetes/client-node, JIT.
    check(await reader.read(CLUSTERS[0]));

    // The first snapshot, its memory: read side by side, recorded (SQLite).
    const sqlite = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    cleanups.push(() => sqlite.destroy());
    const stores: [string, SnapshotStore][] = [
      ['SQLite', await SnapshotStore.create({ getClient: async () => sqlite })],
    ];
    let pg: Knex | undefined;
    if (pgServer) {
      const name = `kyverno_bench_${process.pid}`;
      const admin = knexFactory({
        client: 'pg',
        connection: { ...pgServer, database: 'postgres' },
      });
      await admin.raw(`CREATE DATABASE ${name}`);
      pg = knexFactory({
        client: 'pg',
        connection: { ...pgServer, database: name },
      });
      cleanups.push(async () => {
        await pg!.destroy();
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.destroy();
      });
      stores.push([
        'PostgreSQL',
        await SnapshotStore.create({ getClient: async () => pg! }),
      ]);
    }

    const memory = await peakMemory(async () => {
      const reads: ClusterOutcome[] = await readAll();
      await stores[0][1].record(reads, digestOf);
      return reads;
    });
    const outcomes = memory.value;
    outcomes.forEach(o => 'read' in o && check(o.read));
    const total = outcomes.reduce(
      (n, o) => n + ('read' in o ? o.read.results.length : 0),
      0,
    );

    // Reading: side by side, and one cluster alone beside the floor.
    const sideBySide: number[] = [];
    const sideRequests: number[] = [];
    for (let i = 0; i < SNAPSHOT_RUNS; i++) {
      const [reads, ms] = await timed(readAll);
      sideBySide.push(ms);
      sideRequests.push(reads.reduce((n, r) => n + r.read.requests, 0));
    }
    const rawSide: number[] = [];
    let rawSideRequests = 0;
    for (let i = 0; i < SNAPSHOT_RUNS; i++) {
      const [counts, ms] = await timed(() =>
        Promise.all(
          clusters.map(c => rawRead(c.url, client.paths.get(c.name)!)),
        ),
      );
      rawSide.push(ms);
      rawSideRequests = counts.reduce((a, b) => a + b, 0);
    }
    const alone: number[] = [];
    const waits: number[] = [];
    const computes: number[] = [];
    let requests = 0;
    for (let i = 0; i < RUNS; i++) {
      const [read, ms] = await timed(() =>
        reader.read(CLUSTERS[i % CLUSTERS.length]),
      );
      alone.push(ms);
      waits.push(read.waitMs);
      computes.push(ms - read.waitMs);
      requests = read.requests;
    }
    const raw: number[] = [];
    let rawRequests = 0;
    for (let i = 0; i < RUNS; i++) {
      const c = clusters[i % clusters.length];
      const [n, ms] = await timed(() =>
        rawRead(c.url, client.paths.get(c.name)!),
      );
      raw.push(ms);
      rawRequests = n;
    }

    // Writing: the first snapshot into each database, then the same again.
    // SQLite's store had its first in the memory run: a fresh one times it.
    const sqliteFirst = async () => {
      const fresh = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: ':memory:' },
        useNullAsDefault: true,
      });
      try {
        const store = await SnapshotStore.create({
          getClient: async () => fresh,
        });
        return (await timed(() => store.record(outcomes, digestOf)))[1];
      } finally {
        await fresh.destroy();
      }
    };
    const writes: string[][] = [];
    for (const [engine, store] of stores) {
      const firstMs =
        engine === 'SQLite'
          ? await sqliteFirst()
          : (await timed(() => store.record(outcomes, digestOf)))[1];
      const [again, againMs] = await timed(() =>
        store.record(outcomes, digestOf),
      );
      if (again.results !== total)
        throw new Error(`${engine}: ${again.results} results stored`);
      writes.push([
        `SnapshotStore.record, ${engine}`,
        f0(firstMs),
        f0(againMs),
      ]);
    }

    // The compliance page, on each database, and through the router.
    const credentials = mockCredentials.user(USER);
    const aggregation: string[][] = [];
    for (const [engine, store] of stores) {
      const reports = new ReportService({
        store,
        policies,
        catalog: catalogServiceMock({ entities: ENTITIES }),
        docsPath: '/docs/default/component/docs',
      });
      const latest = (await store.latest())!;
      const rows: number[] = [];
      for (let i = 0; i < RUNS; i++)
        rows.push((await timed(() => store.resultsAt(latest.id)))[1]);
      aggregation.push([
        `${engine}: resultsAt (the ${total} rows)`,
        '',
        p5095(rows),
      ]);
      for (const [label, filter] of FILTERS) {
        const times: number[] = [];
        let report: ComplianceReport | undefined;
        for (let i = 0; i < RUNS; i++) {
          const [r, ms] = await timed(() =>
            reports.compliance(filter, credentials, 500),
          );
          times.push(ms);
          report = r;
        }
        if (report!.totals.pass + report!.totals.fail === 0)
          throw new Error(`${engine} ${label}: nothing counted`);
        aggregation.push([
          `${engine}: compliance(), ${label}`,
          String(report!.totalFindings),
          p5095(times),
        ]);
      }
    }

    // The plugin's own scheduled snapshot, then its route.
    const [, takeMs] = await timed(() => tasks.get('kyverno-snapshot')!());
    const base = `http://localhost:${backend.server.port()}/api/kyverno`;
    const auth = { Authorization: mockCredentials.user.header(USER) };
    const snapshots = (await (
      await fetch(`${base}/snapshots`, { headers: auth })
    ).json()) as SnapshotList;
    if (snapshots.snapshots[0]?.results !== total)
      throw new Error(
        `the plugin's snapshot: ${JSON.stringify(snapshots).slice(0, 500)}`,
      );
    for (const [label, , query] of FILTERS) {
      const times: number[] = [];
      let body: ComplianceReport | undefined;
      for (let i = 0; i < RUNS; i++) {
        const [res, ms] = await timed(async () => {
          const r = await fetch(`${base}/compliance?${query}`, {
            headers: auth,
          });
          const text = await r.text();
          if (!r.ok)
            throw new Error(`compliance?${query}: ${r.status} ${text}`);
          return JSON.parse(text) as ComplianceReport;
        });
        times.push(ms);
        body = res;
      }
      aggregation.push([
        `GET /api/kyverno/compliance, ${label}`,
        String(body!.totalFindings),
        p5095(times),
      ]);
    }

    // p50 ms of each part; its share of all the reads' time.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const share = (xs: number[]) => `${f0((100 * sum(xs)) / sum(alone))} %`;
    console.log(
      `Kyverno reports: ${CLUSTERS.length} clusters × ${RESULTS} results (${total} in all), pages of ${PAGE_SIZE}, through the Kubernetes plugin's proxy; ${RUNS} runs, p50 / p95 ms`,
    );
    table(
      [
        'reading',
        'requests',
        'ms (p50 / p95)',
        'waiting on API (p50, share)',
        'computing',
      ],
      [
        [
          `${CLUSTERS.length} clusters side by side (Snapshotter), ${SNAPSHOT_RUNS} runs`,
          String(sideRequests[0]),
          p5095(sideBySide),
          '',
          '',
        ],
        [
          `  raw fetch, same pages, side by side`,
          String(rawSideRequests),
          p5095(rawSide),
          '',
          '',
        ],
        [
          'one cluster alone (ClusterReader.read)',
          String(requests),
          p5095(alone),
          `${f1(pct(waits, 50))} (${share(waits)})`,
          `${f1(pct(computes, 50))} (${share(computes)})`,
        ],
        [
          '  raw fetch, same pages (fetch + JSON)',
          String(rawRequests),
          p5095(raw),
          '',
          '',
        ],
      ],
    );
    console.log();
    table(['writing a snapshot', 'first ms', 'same again ms'], writes);
    console.log(
      `the plugin's own scheduled snapshot (Snapshotter.take: read, record, prune; in-memory SQLite): ${f0(
        takeMs,
      )} ms`,
    );
    console.log();
    table(['compliance page', 'findings', 'ms (p50 / p95)'], aggregation);
    console.log();
    console.log(
      `memory, first snapshot (read side by side + record on SQLite): RSS ${mib(
        memory.before.rss,
      )} before, ${mib(memory.peak.rss)} at peak; heap ${mib(
        memory.before.heapUsed,
      )} before, ${mib(memory.peak.heap)} at peak${
        global.gc ? '' : ' (run node with --expose-gc for a steadier baseline)'
      }`,
    );
    console.log(
      `(${f1((performance.now() - started) / 1000)} s in all${
        SHORT ? ', short mode' : ''
      })`,
    );
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(e => console.error(e));
    }
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
