import { expect, test } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import {
  backendCommand,
  backendEnv,
  deadLettersRedisUrl,
  repoRoot,
} from './productionBackend';

/**
 * Two replicas of the built backend, as deploy/kubernetes runs them: two
 * processes on their own ports against one PostgreSQL (the same plugin
 * databases) and one Redis (the shared cache, the dead letters), behind one
 * base URL. Nothing may happen twice, and either answers alike.
 */
const redisBase = deadLettersRedisUrl.replace(/\/\d+$/, '');
// Databases and Redis numbers of their own, apart from the other journeys'.
const DEAD_LETTERS = `${redisBase}/6`;
const CACHE = `${redisBase}/7`;
const CYCLE_SECONDS = 4;
// Fresh plugin databases for each run: both replicas migrate them at once.
const DATABASE_PREFIX = `replicas_${Date.now().toString(36)}_`;

interface Replica {
  name: string;
  port: number;
  url: string;
  log: string;
  child?: ChildProcess;
}

const replicas: Replica[] = ['a', 'b'].map((name, i) => ({
  name,
  port: 7031 + i,
  url: `http://localhost:${7031 + i}`,
  log: `${repoRoot}/.tmp/e2e-replica-${name}.log`,
}));

function start(replica: Replica) {
  fs.rmSync(replica.log, { force: true });
  const child = spawn(backendCommand[0], backendCommand.slice(1), {
    cwd: repoRoot,
    env: {
      ...(process.env as Record<string, string>),
      ...backendEnv,
      PORTAL_PORT: String(replica.port),
      // One address for both, as behind the gateway: tokens issued by one
      // are for the other too.
      PORTAL_BASE_URL: replicas[0].url,
      // One layout for both, as two pods of one image: the catalog's file
      // locations are the same paths (with a layout each, each replica's
      // config provider replaced the other's locations, and the catalog
      // churned). The second replica runs from the first one's.
      PROD_BACKEND_DIR: `${repoRoot}/.tmp/prod-backend-replicas`,
      PROD_BACKEND_SHARE_DIR: replica === replicas[0] ? '' : '1',
      PROD_BACKEND_LOG: replica.log,
      APP_CONFIG_backend_database_prefix: DATABASE_PREFIX,
      DEAD_LETTERS_REDIS_URL: DEAD_LETTERS,
      CACHE_REDIS_URL: CACHE,
      // Data ownership's refresh every few seconds: a task of Backstage's
      // scheduler, which must run once per cycle whatever the replicas.
      // (ISO durations: an object would merge with production's minutes.)
      APP_CONFIG_dataOwnership_schedule: JSON.stringify({
        frequency: `PT${CYCLE_SECONDS}S`,
        timeout: 'PT60S',
      }),
    },
    stdio: 'ignore',
    // Its own process group: the script execs node in a subshell, so the
    // backend is not this child itself; signals go to the whole group.
    detached: true,
  });
  replica.child = child;
}

/** Kills the replica's whole process group (backend, log tee, shell). */
function kill(replica: Replica) {
  try {
    process.kill(-replica.child!.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the backend alone, as the kubelet sends it (the log tee keeps writing). */
function terminate(replica: Replica) {
  const pid = execFileSync(
    'pgrep',
    ['-g', String(replica.child!.pid), '-x', 'node'],
    { encoding: 'utf8' },
  ).trim();
  process.kill(Number(pid), 'SIGTERM');
}

/** Whether the replica's port still accepts connections. */
async function listening(replica: Replica): Promise<boolean> {
  try {
    await fetch(`${replica.url}/.backstage/health/v1/liveness`);
    return true;
  } catch {
    return false;
  }
}

/** Waits until the replica is ready; a start-up failure fails the test with its log. */
async function ready(replica: Replica) {
  await expect
    .poll(
      async () => {
        const log = fs.existsSync(replica.log)
          ? fs.readFileSync(replica.log, 'utf8')
          : '';
        expect(log, `replica ${replica.name}`).not.toContain(
          'Backend failed to start',
        );
        try {
          return (await fetch(`${replica.url}/.backstage/health/v1/readiness`))
            .status;
        } catch {
          return 0;
        }
      },
      { timeout: 240_000, intervals: [1000] },
    )
    .toBe(200);
}

async function guestToken(replica: Replica): Promise<string> {
  const res = await fetch(`${replica.url}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  expect(res.status).toBe(200);
  return (await res.json()).backstageIdentity.token;
}

async function call(
  replica: Replica,
  token: string,
  path: string,
  init: RequestInit = {},
) {
  const res = await fetch(`${replica.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

function redis(url: string, ...args: string[]): string {
  const { hostname, port, pathname } = new URL(url);
  return execFileSync(
    'redis-cli',
    ['-h', hostname, '-p', port, '-n', pathname.slice(1), ...args],
    { encoding: 'utf8' },
  ).trim();
}

/** Data ownership's refreshes each replica has logged. */
const refreshes = (replica: Replica) =>
  (fs.existsSync(replica.log) ? fs.readFileSync(replica.log, 'utf8') : '')
    .split('\n')
    .filter(line => /Applied \d+ data entities/.test(line)).length;

test.describe('two replicas of the backend', () => {
  test.describe.configure({ timeout: 360_000 });
  let token: string;

  test.beforeAll(async () => {
    redis(DEAD_LETTERS, 'FLUSHDB');
    redis(CACHE, 'FLUSHDB');
    execFileSync('node', ['scripts/dev-dead-letters.cjs', DEAD_LETTERS], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    // One after the other, as a rollout brings pods up (maxSurge 1): two
    // pods started at the same instant on empty databases race in upstream
    // plugins' migrations (see README, "Several replicas").
    for (const replica of replicas) {
      start(replica);
      await ready(replica);
    }
    token = await guestToken(replicas[0]);
    // Both have the catalog that the journeys below ask about.
    const accessToken = token;
    await Promise.all(
      replicas.map(replica =>
        expect
          .poll(
            async () =>
              (
                await call(
                  replica,
                  accessToken,
                  '/api/catalog/entities/by-name/component/default/svc-ledger',
                )
              ).status,
            { timeout: 120_000, intervals: [1000] },
          )
          .toBe(200),
      ),
    );
  });

  test.afterAll(async () => {
    for (const replica of replicas) kill(replica);
  });

  test('answer alike: catalog, SLO board and dead letters, with a token either issued', async () => {
    const [a, b] = replicas;
    const fromB = await guestToken(b);
    // What must agree: the entities, the SLOs and their objectives (their
    // live figures move with Prometheus' clock), the dead letters.
    const views: [string, (body: any) => unknown][] = [
      [
        '/api/catalog/entities/by-query?filter=kind=component&limit=500&fields=metadata.name',
        body => body.items.map((e: any) => e.metadata.name).sort(),
      ],
      [
        '/api/slo/board',
        body => ({
          slos: body.slos
            .map((s: any) => `${s.entityRef} ${s.slo} ${s.objective}`)
            .sort(),
          errors: body.errors,
          specProblems: body.specProblems,
        }),
      ],
      [
        '/api/dlq/dead-letters?entityRef=component:default/svc-ledger&limit=50',
        body => ({
          counts: body.counts ?? body.total,
          items: body.items.map((i: any) => `${i.queue} ${i.key} ${i.actor}`),
        }),
      ],
    ];
    for (const [path, view] of views) {
      const [ra, rb] = await Promise.all([
        call(a, fromB, path),
        call(b, token, path),
      ]);
      expect(ra.status, path).toBe(200);
      expect(rb.status, path).toBe(200);
      expect(view(rb.body), path).toEqual(view(ra.body));
    }
    expect(
      (views[0][1]((await call(a, token, views[0][0])).body) as string[])
        .length,
    ).toBeGreaterThan(5);
  });

  test('a dead letter replayed through both at once is replayed once', async () => {
    const [a, b] = replicas;
    const listed = await call(
      a,
      token,
      '/api/dlq/dead-letters?entityRef=component:default/svc-ledger&queue=critical&limit=10',
    );
    expect(listed.status).toBe(200);
    const letter = listed.body.items[0];
    expect(letter).toBeDefined();
    const queuedBefore = Number(
      redis(DEAD_LETTERS, 'LLEN', 'dramatiq:critical'),
    );
    const body = JSON.stringify({
      entityRef: 'component:default/svc-ledger',
      queue: letter.queue,
      key: letter.key,
    });
    const results = await Promise.all(
      [a, b].map(replica =>
        call(replica, token, '/api/dlq/dead-letters/replay', {
          method: 'POST',
          body,
        }),
      ),
    );
    expect(results.map(r => r.status).sort()).toEqual([200, 404]);
    expect(results.find(r => r.status === 404)!.body.error.message).toMatch(
      /already replayed or discarded/,
    );
    // One message back on its queue, not two.
    expect(Number(redis(DEAD_LETTERS, 'LLEN', 'dramatiq:critical'))).toBe(
      queuedBefore + 1,
    );
    // One replay in the trail both replicas read.
    const trail = await call(
      b,
      token,
      '/api/dlq/actions?entityRef=component:default/svc-ledger',
    );
    expect(trail.status).toBe(200);
    const replays = trail.body.items.filter(
      (item: any) =>
        item.action === 'replay' &&
        item.key === letter.key &&
        item.outcome === 'done',
    );
    expect(replays).toHaveLength(1);
  });

  test('runs a scheduled task once per cycle, not once per replica', async () => {
    const before = replicas.map(refreshes);
    const started = Date.now();
    await new Promise(resolve => setTimeout(resolve, 6 * CYCLE_SECONDS * 1000));
    const cycles = (Date.now() - started) / (CYCLE_SECONDS * 1000);
    const runs = replicas.map((r, i) => refreshes(r) - before[i]);
    const total = runs[0] + runs[1];
    // Each cycle's run happens in one replica or the other, never both.
    expect(total).toBeGreaterThanOrEqual(Math.floor(cycles) - 2);
    expect(total).toBeLessThanOrEqual(Math.ceil(cycles) + 1);
  });

  test('takes one policy-report snapshot per cycle, not one per replica', async () => {
    // The Kyverno snapshot runs every minute here (app-config.e2e.yaml) and
    // at once on start-up: both replicas registered it, each on its own
    // start. Wait for a second cycle, then no two snapshots may share one.
    const takenAt = async (replica: Replica) => {
      const res = await call(replica, token, '/api/kyverno/snapshots?limit=50');
      expect(res.status).toBe(200);
      return (res.body.snapshots as { takenAt: string }[])
        .map(s => Date.parse(s.takenAt))
        .sort((x, y) => x - y);
    };
    await expect
      .poll(async () => (await takenAt(replicas[1])).length, {
        timeout: 90_000,
        intervals: [2000],
      })
      .toBeGreaterThanOrEqual(2);
    const times = await takenAt(replicas[0]);
    const gaps = times.slice(1).map((t, i) => (t - times[i]) / 1000);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(50);
  });

  test('keeps serving from one replica while the other stops mid-request', async () => {
    const [a, b] = replicas;
    const path = '/api/catalog/entities/by-name/component/default/svc-ledger';
    // Requests on A when it is told to stop, and on B all along.
    const onA = Array.from({ length: 5 }, () =>
      call(a, token, path).catch(() => ({ status: 0 })),
    );
    terminate(a);
    const duringStop: number[] = [];
    let stopping = true;
    const stopped = expect
      .poll(() => listening(a), { timeout: 60_000 })
      .toBe(false)
      .finally(() => (stopping = false));
    while (stopping || duringStop.length < 10) {
      duringStop.push((await call(b, token, path)).status);
      if (duringStop.length > 500) break;
    }
    await stopped;
    expect(new Set(duringStop)).toEqual(new Set([200]));
    // What A had in flight may fail: a request that calls another plugin
    // (the catalog asks the permission plugin over HTTP) finds A's listener
    // closed. In Kubernetes the preStop pause keeps traffic away from a pod
    // before its SIGTERM, so none is in flight by then. B is unaffected.
    await Promise.allSettled(onA);
    expect((await call(b, token, path)).status).toBe(200);
  });
});
