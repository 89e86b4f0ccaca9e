/**
 * The catalog at the platform's scale: a catalog of BENCH_ENTITIES (10,000)
 * entities in the seed's proportions (scripts/bench/catalog-scale-entities.mjs)
 * loaded from files into, one after the other in one run,
 *   - a stock Backstage backend of this repository's release
 *     (backend-defaults + the catalog, scripts/bench/stock-backend.cjs), and
 *   - the portal's production build with its production configuration
 *     (scripts/prod-backend.sh, as the end-to-end tests run it),
 * both on the test services' PostgreSQL, each in databases of its own. For
 * each: the time until every entity is served with its relations, p50/p95
 * of the paginated entity list and of an entity page's catalog calls (with a
 * service token; the portal also as a signed-in user, through its
 * permission policy), and resident memory.
 *
 * The list and page figures are taken BENCH_SETTLE_SECONDS (60) after the
 * catalog serves every entity. BENCH_SHORT=1 (make test): 600 entities, 40
 * samples, no pause, only to check it
 * still works. Needs `yarn build:all` and scripts/services.sh.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/catalog-scale.ts
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  backendCommand,
  backendEnv,
  repoRoot,
} from '../../packages/app/e2e-tests/productionBackend';

const short = Boolean(process.env.BENCH_SHORT);
const ENTITIES = Number(process.env.BENCH_ENTITIES ?? (short ? 600 : 10_000));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? (short ? 40 : 400));
// After every entity is served, the catalog may still be stitching them:
// measured right away, the portal (more processors and providers) looked
// twice as slow on the list at 10,000 entities; after a pause, alike.
process.env.BENCH_SETTLE_SECONDS ??= short ? '0' : '60';
const work = path.join(repoRoot, '.tmp/bench-catalog-scale');
const run = Date.now().toString(36);
const token = randomBytes(24).toString('hex');
const pg = {
  host: process.env.LOCALPLUS_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.LOCALPLUS_PG_PORT ?? 55432),
  user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
  password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
};

if (
  !fs.existsSync(path.join(repoRoot, 'packages/backend/dist/bundle.tar.gz'))
) {
  throw new Error('No production build: run yarn tsc && yarn build:all first');
}

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const entitiesDir = path.join(work, 'entities');
const generated = JSON.parse(
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/bench/catalog-scale-entities.mjs'),
      entitiesDir,
      String(ENTITIES),
    ],
    { encoding: 'utf8' },
  ),
);

/** What both backends read: the generated files, a static token, their own databases. */
function configFor(
  port: number,
  prefix: string,
  extra: object = {},
  listen: object = { listen: { port } },
) {
  const config = {
    backend: {
      baseUrl: `http://localhost:${port}`,
      ...listen,
      database: {
        client: 'pg',
        connection: pg,
        prefix,
        pluginDivisionMode: 'database',
      },
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token, subject: 'catalog-scale-bench' },
          },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'API', 'Resource', 'Location'] }],
      locations: [
        {
          type: 'file',
          target: path.join(entitiesDir, 'org.yaml'),
          rules: [{ allow: ['User', 'Group'] }],
        },
        { type: 'file', target: path.join(entitiesDir, 'location.yaml') },
      ],
    },
    ...extra,
  };
  const file = path.join(work, `${prefix}.json`);
  // JSON is YAML.
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

interface Started {
  /** Started detached: its pid is its process group's. */
  child: ChildProcess;
  startedAt: number;
}

function measure(started: Started, port: number, bearer: string) {
  return JSON.parse(
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'scripts/bench/catalog-scale-measure.mjs'),
        `http://localhost:${port}`,
        bearer,
        String(generated.total),
        String(started.startedAt),
        String(started.child.pid),
        String(SAMPLES),
        String(generated.component),
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    ),
  );
}

/**
 * BENCH_CPU_PROFILE=1: each backend runs with --cpu-prof, and the run ends
 * with where each spent its CPU (scripts/bench/cpu-profile-summary.mjs).
 */
const profiling = Boolean(process.env.BENCH_CPU_PROFILE);
/** BENCH_ONLY=stock|portal: one of the two (when looking into one). */
const only = process.env.BENCH_ONLY;
function profileEnv(name: string): Record<string, string> {
  if (!profiling) return {};
  const dir = path.join(work, `profile-${name}`);
  return {
    NODE_OPTIONS: `${
      process.env.NODE_OPTIONS ?? ''
    } --cpu-prof --cpu-prof-dir=${dir}`.trim(),
  };
}

async function stop(started: Started) {
  const group = -started.child.pid!;
  // A profiled backend writes its profile when it exits: let it shut down.
  if (profiling) {
    try {
      // The backend alone (the portal's log tee must keep its pipe open
      // while the backend shuts down).
      process.kill(started.child.pid!, 'SIGTERM');
      for (
        let i = 0;
        i < 300 &&
        started.child.exitCode === null &&
        started.child.signalCode === null;
        i++
      ) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    } catch {
      // gone
    }
  }
  try {
    process.kill(group, 'SIGKILL');
  } catch {
    // gone
  }
}

/** The largest profile a backend wrote (its process group also ran short-lived node commands). */
function profileSummary(name: string): string {
  const dir = path.join(work, `profile-${name}`);
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .map(f => path.join(dir, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)
    : [];
  if (files.length === 0) return `${name}: no CPU profile written`;
  return execFileSync(
    process.execPath,
    [path.join(repoRoot, 'scripts/bench/cpu-profile-summary.mjs'), files[0]],
    { encoding: 'utf8' },
  );
}

function dropDatabases(prefix: string) {
  const env = { ...process.env, PGPASSWORD: pg.password };
  const names = execFileSync(
    'psql',
    [
      '-h',
      pg.host,
      '-p',
      String(pg.port),
      '-U',
      pg.user,
      '-d',
      'postgres',
      '-Atc',
      `SELECT datname FROM pg_database WHERE datname LIKE '${prefix}%'`,
    ],
    { encoding: 'utf8', env },
  )
    .split('\n')
    .filter(Boolean);
  for (const name of names) {
    execFileSync(
      'psql',
      [
        '-h',
        pg.host,
        '-p',
        String(pg.port),
        '-U',
        pg.user,
        '-d',
        'postgres',
        '-qc',
        `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
      ],
      { env },
    );
  }
}

async function guestToken(port: number): Promise<string> {
  const res = await fetch(`http://localhost:${port}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function main() {
  const rows: [string, any][] = [];

  // 1. Stock backend.
  if (only !== 'portal') await runStock(rows);
  // 2. The portal's production build and configuration.
  if (only !== 'stock') await runPortal(rows);
  printTable(rows);
}

async function runStock(rows: [string, any][]) {
  const stockPrefix = `scale_stock_${run}_`;
  const stockConfig = configFor(7041, stockPrefix);
  const stockStarted = Date.now();
  const stockChild = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/bench/stock-backend.cjs'),
      '--config',
      stockConfig,
    ],
    {
      cwd: repoRoot,
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, NODE_ENV: 'production', ...profileEnv('stock') },
    },
  );
  const stock: Started = { child: stockChild, startedAt: stockStarted };
  try {
    rows.push(['stock Backstage backend', measure(stock, 7041, token)]);
  } finally {
    await stop(stock);
    dropDatabases(stockPrefix);
  }
}

async function runPortal(rows: [string, any][]) {
  const oursPrefix = `scale_ours_${run}_`;
  // (Its port comes from PORTAL_PORT, as in the end-to-end tests.)
  const oursConfig = configFor(
    7042,
    oursPrefix,
    { localPlus: { catalog: { allowFileLocations: true } } },
    {},
  );
  const oursStarted = Date.now();
  const oursChild = spawn(
    backendCommand[0],
    [...backendCommand.slice(1), '--config', oursConfig],
    {
      cwd: repoRoot,
      stdio: 'ignore',
      detached: true,
      env: {
        ...(process.env as Record<string, string>),
        ...backendEnv,
        PORTAL_PORT: '7042',
        PORTAL_BASE_URL: 'http://localhost:7042',
        PROD_BACKEND_DIR: path.join(work, 'prod-backend'),
        PROD_BACKEND_LOG: path.join(work, 'portal.log'),
        CACHE_REDIS_URL: `${(
          process.env.LOCALPLUS_REDIS_URL ?? 'redis://127.0.0.1:56379'
        ).replace(/\/\d*$/, '')}/8`,
        ...profileEnv('portal'),
      },
    },
  );
  const ours: Started = { child: oursChild, startedAt: oursStarted };
  try {
    rows.push(['the portal (production build)', measure(ours, 7042, token)]);
    const user = await guestToken(7042);
    rows.push([
      'the portal, as a signed-in user',
      {
        ...measure(ours, 7042, user),
        ingestionSeconds: NaN,
        ingestionCpu: undefined,
      },
    ]);
  } finally {
    await stop(ours);
    dropDatabases(oursPrefix);
  }
}

function printTable(rows: [string, any][]) {
  const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
  console.log(
    `catalog of ${generated.total} entities (${generated.component} services, ${generated.api} APIs, ` +
      `${generated.table} tables, ${generated.topic} topics, ${generated.group} groups, ${generated.user} users); ` +
      `${SAMPLES} list requests, ${SAMPLES / 2} entity pages`,
  );
  const row = (cells: string[]) =>
    console.log(
      cells.map((c, i) => (i === 0 ? c.padEnd(34) : c.padStart(11))).join(''),
    );
  row([
    '',
    'ingest s',
    'list p50',
    'list p95',
    'page p50',
    'page p95',
    'RSS MB',
    'CPU s',
    'PG CPU s',
  ]);
  for (const [name, r] of rows) {
    row([
      name,
      f(r.ingestionSeconds),
      f(r.list.p50, 2),
      f(r.list.p95, 2),
      f(r.page.p50, 2),
      f(r.page.p95, 2),
      f(r.rssMb, 0),
      f(r.ingestionCpu?.backend ?? NaN),
      f(r.ingestionCpu?.postgres ?? NaN),
    ]);
  }
  console.log(
    '(latencies in ms, one request at a time; CPU s: CPU seconds the backend and PostgreSQL spent until ingestion was done)',
  );
  if (profiling) {
    for (const name of ['stock', 'portal'].filter(n => !only || n === only)) {
      console.log(`\nwhere the ${name} backend spent its CPU:`);
      console.log(profileSummary(name));
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
