/*
 * Benchmark of the scorecards for 200 services:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs plugins/scorecards-backend/bench/scorecards.ts
 *   (bash scripts/bench.sh runs it among the portal's figures; make test in short mode)
 *
 * 1. Evaluate: every check on every service's facts with json-rules-engine
 *    (what a collection does after reading the facts), beside the same
 *    thresholds written as plain TypeScript: the engine's cost, side by side.
 * 2. Collect: a whole collection (catalog in memory, the other plugins
 *    stood in for by a local HTTP server that answers at once, so the
 *    figure is the scorecards' own work: requests, parsing, evaluation,
 *    one transaction).
 * 3. Serve the Scorecards page: the five requests it makes (ranking,
 *    rollups, trend, every service, the collection), over HTTP against the
 *    router, with 30 days of collections every 30 minutes (1,440) behind the
 *    trend; cold (a new collection just landed) and warm; on SQLite and, when
 *    the test services run, PostgreSQL.
 * Figures, not a pass/fail test. BENCH_SHORT=1: 20 services, 48 collections,
 * 3 runs (make test: fails on any error).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import knexFactory, { Knex } from 'knex';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { factsWith, goldFacts } from '../src/__testUtils__/facts';
import { createRouter } from '../src/router';
import { ServiceFacts } from '../src/services/facts';
import { FactCollector } from '../src/services/FactCollector';
import { PluginSources } from '../src/services/PluginSources';
import { CheckEvaluator, measuresOf } from '../src/services/rules';
import { ScorecardService } from '../src/services/ScorecardService';
import { ScoreStore } from '../src/services/ScoreStore';

const SHORT = Boolean(process.env.BENCH_SHORT);
const SERVICES = Number(
  process.env.BENCH_SCORECARD_SERVICES ?? (SHORT ? 20 : 200),
);
const COLLECTIONS = SHORT ? 48 : 1440;
const RUNS = SHORT ? 3 : 30;

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
};
const ms = (n: number) => n.toFixed(2).padStart(9);
const row = (what: string, values: number[]) =>
  console.log(`${what.padEnd(46)}${ms(pct(values, 50))}${ms(pct(values, 95))}`);

/** A logger that says nothing (mockServices.logger.mock() needs jest). */
const silentLogger: LoggerService = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => silentLogger,
};

/** Varied facts: each service fails a different mix of checks. */
function factsFor(i: number): ServiceFacts {
  const f = goldFacts();
  return factsWith({
    apis: i % 5 === 0 ? { provided: [], withoutDefinition: [] } : f.apis,
    runbooks:
      i % 3 === 0
        ? { ok: true, alerts: ['A', 'B'], uncovered: ['B'], stale: [] }
        : f.runbooks,
    deadLetters: { ok: true, declared: true, critical: i % 4 === 0 ? 2 : 0 },
    slos: i % 11 === 0 ? { ok: false, error: 'Prometheus down' } : f.slos,
  });
}

/** The same thresholds as rules.ts, as plain code: the baseline. */
function plainChecks(f: ServiceFacts): boolean[] {
  const m = measuresOf(f);
  return [
    m.ownerExists >= 1 && m.onCallPeople >= 1,
    m.techdocsAnnotated >= 1 && m.techdocsBuilt >= 1,
    m.apisProvided >= 1 && m.apisWithoutDefinition === 0,
    m.availabilitySlos >= 1 && m.latencySlos >= 1,
    m.alerts >= 1 && m.uncoveredAlerts === 0 && m.staleRunbooks === 0,
    m.kyvernoResults >= 1 && m.kyvernoCriticalOrHigh === 0,
    m.dataFindings === 0,
    m.measuredSlos >= 1 && m.exhaustedSlos === 0,
    m.deadLettersDeclared >= 1 && m.criticalDeadLetters === 0,
  ];
}

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'on-call',
      namespace: 'default',
      annotations: { 'local-plus.io/oncall-primary': 'user:default/a' },
    },
    spec: { type: 'rotation', members: ['user:default/a'], children: [] },
  },
  ...Array.from({ length: 10 }, (_, t) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: `team-${t}`,
      namespace: 'default',
      annotations: { 'local-plus.io/oncall-rotation': 'group:default/on-call' },
    },
    spec: { type: 'team', children: [] },
  })),
  ...Array.from({ length: SERVICES }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'local-plus.io/dead-letters': `dramatiq:s${i}.`,
      },
    },
    spec: { type: 'service', owner: `group:default/team-${i % 10}` },
    relations: [{ type: 'ownedBy', targetRef: `group:default/team-${i % 10}` }],
  })),
];

/** Stands in for the slo, runbooks, kyverno, dlq and techdocs plugins. */
async function pluginsServer() {
  const body = (path: string) => {
    if (path.includes('/slos'))
      return {
        slos: [
          {
            slo: 'requests-availability',
            errorBudget: { remainingRatio: 0.5 },
          },
          { slo: 'requests-latency', errorBudget: { remainingRatio: 0.7 } },
        ],
        errors: [],
        specProblems: [],
      };
    if (path.includes('/runbooks'))
      return {
        runbooks: [
          {
            id: 'slo-burn',
            alerts: ['SLOErrorBudgetBurnPage'],
            stale: false,
            lastReviewed: '2026-11-01',
          },
        ],
        problems: [],
      };
    if (path.includes('/results'))
      return {
        snapshot: { takenAt: 'x' },
        counts: { pass: 20 },
        severities: {},
        failing: [],
      };
    if (path.includes('/dead-letters'))
      return {
        source: 'dramatiq:x.',
        queues: [{ queue: 'critical', depth: 0 }],
      };
    return { site_name: 'x', build_timestamp: Date.now() };
  };
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body(req.url!)));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { server, baseUrl: `http://127.0.0.1:${port}` };
}

async function databases(): Promise<[string, Knex, () => Promise<void>][]> {
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const list: [string, Knex, () => Promise<void>][] = [
    ['SQLite', sqlite, () => sqlite.destroy()],
  ];
  const host = process.env.LOCALPLUS_PG_HOST;
  if (host) {
    const server = {
      host,
      port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
      user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
      password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
    };
    const name = `bench_scorecards_${process.pid}`;
    const admin = knexFactory({
      client: 'pg',
      connection: { ...server, database: 'postgres' },
    });
    await admin.raw(`CREATE DATABASE ${name}`);
    const pg = knexFactory({
      client: 'pg',
      connection: { ...server, database: name },
    });
    list.push([
      'PostgreSQL',
      pg,
      async () => {
        await pg.destroy();
        await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.destroy();
      },
    ]);
  }
  return list;
}

async function main() {
  console.log(
    `Scorecards: ${SERVICES} services, 9 checks, ${RUNS} runs${
      SHORT ? ' (short)' : ''
    }`,
  );
  console.log(`${''.padEnd(46)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}`);

  // 1. Evaluation, engine beside plain code.
  const evaluator = new CheckEvaluator();
  const facts = Array.from({ length: SERVICES }, (_, i) => factsFor(i));
  const engine: number[] = [];
  const plain: number[] = [];
  for (let run = 0; run < RUNS + 2; run++) {
    let t = performance.now();
    for (const f of facts) await evaluator.evaluate(f);
    if (run >= 2) engine.push(performance.now() - t);
    t = performance.now();
    for (const f of facts) plainChecks(f);
    if (run >= 2) plain.push(performance.now() - t);
  }
  row(`evaluate ${SERVICES} services, json-rules-engine`, engine);
  row(`evaluate ${SERVICES} services, plain TypeScript`, plain);

  const plugins = await pluginsServer();
  try {
    for (const [engineName, knex, drop] of await databases()) {
      try {
        const store = await ScoreStore.create(mockServices.database({ knex }));
        const logger = silentLogger;
        const collector = new FactCollector({
          catalog: catalogServiceMock({ entities }),
          auth: mockServices.auth(),
          sources: new PluginSources({
            discovery: {
              getBaseUrl: async id => `${plugins.baseUrl}/api/${id}`,
              getExternalBaseUrl: async id => `${plugins.baseUrl}/api/${id}`,
            },
            auth: mockServices.auth(),
            timeoutMs: 10_000,
          }),
          prometheus: {
            alertingRules: async () => [
              {
                group: 'platform',
                name: 'SLOErrorBudgetBurnPage',
                labels: {},
                annotations: {
                  runbook_url: '/docs/{{ $labels.service }}/runbooks/slo-burn/',
                },
              },
            ],
          } as never,
          logger,
          concurrency: 8,
        });
        let clock = new Date(Date.UTC(2026, 10, 1));
        const scorecards = new ScorecardService({
          collector,
          store,
          logger,
          retentionDays: 90,
          detailDays: 2,
          now: () => clock,
        });

        // 2. Whole collections.
        const collections: number[] = [];
        for (let run = 0; run < Math.min(RUNS, 5) + 1; run++) {
          const t = performance.now();
          await scorecards.collect();
          if (run >= 1) collections.push(performance.now() - t);
          clock = new Date(clock.getTime() + 30 * 60_000);
        }
        row(`${engineName}: one collection (facts over HTTP)`, collections);

        // 30 days of collections behind the trend, recorded directly.
        const latest = (await store.latest())!;
        const cards = latest.cards.map(c => ({ card: c, facts: goldFacts() }));
        for (let i = 0; i < COLLECTIONS; i++) {
          clock = new Date(clock.getTime() + 30 * 60_000);
          await store.record({
            finishedAt: clock,
            durationMs: 1,
            sourceProblems: [],
            scorecards: cards,
          });
          await store.prune(clock, 90, 2);
        }

        // 3. The page's five requests, over HTTP.
        const router = await createRouter({
          httpAuth: mockServices.httpAuth(),
          permissions: mockServices.permissions(),
          // The page's routes only read: nothing to audit.
          auditor: {
            createEvent: async () => ({
              success: async () => {},
              fail: async () => {},
            }),
          } as never,
          catalog: catalogServiceMock({ entities }),
          scorecards,
          logger,
          retentionDays: 90,
          frequencyMinutes: 30,
          errorSettings: { exposeDetails: false },
        });
        const app = express().use(router);
        const server = app.listen(0, '127.0.0.1');
        await new Promise(r => server.once('listening', r));
        const base = `http://127.0.0.1:${
          (server.address() as AddressInfo).port
        }`;
        const page = [
          '/ranking',
          '/rollups?by=owner',
          '/trend?days=30',
          '/scorecards',
          '/entities/component/default/svc-1',
        ];
        const get = async (p: string) => {
          const res = await fetch(`${base}${p}`);
          if (!res.ok)
            throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
          return res.json();
        };
        const cold: number[] = [];
        const warm: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          // A new collection lands: the next page load reads it from the database.
          clock = new Date(clock.getTime() + 30 * 60_000);
          await store.record({
            finishedAt: clock,
            durationMs: 1,
            sourceProblems: [],
            scorecards: cards,
          });
          let t = performance.now();
          await Promise.all(page.map(get));
          cold.push(performance.now() - t);
          t = performance.now();
          await Promise.all(page.map(get));
          warm.push(performance.now() - t);
        }
        const trend = (await get('/trend?days=30')) as { points: unknown[] };
        row(`${engineName}: Scorecards page, new collection`, cold);
        row(`${engineName}: Scorecards page, same collection`, warm);
        console.log(`  (trend: ${trend.points.length} points over 30 days)`);
        server.close();
      } finally {
        await drop();
      }
    }
  } finally {
    plugins.server.close();
  }
}

main().catch(e => {
  console.error(e);
  process.exit(1);
});
