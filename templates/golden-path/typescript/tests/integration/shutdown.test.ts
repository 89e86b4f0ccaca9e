import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testIssuer } from '../support/auth';
{%- if values.ownsTables %}
import { createTestDatabase, type TestDatabase } from '../support/databases';
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}
import { requireEnv } from '../support/env';
{%- endif %}
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../support/redis';
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}
import { TcpProxy } from '../support/tcp-proxy';
{%- endif %}

/**
 * SIGTERM, as Kubernetes sends it, to the built service (`node dist/main.js`,
 * the container's command): it exits on its own within its shutdown deadline
 * whatever its dependencies do, well inside the pod's 30 s grace period.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const DRAIN_MS = 200;
const TIMEOUT_MS = 2_000;

interface RunningService {
  child: ChildProcess;
  managementUrl: string;
  lines: Record<string, unknown>[];
  exited: Promise<{ code: number | null; afterMs: number }>;
  terminate(): void;
}

describe('shutdown', () => {
{%- if values.ownsTables %}
  let database: TestDatabase;
{%- endif %}
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}

  beforeAll(async () => {
    // The container runs what `npm run build` emits.
    await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
    });
{%- if values.ownsTables %}
    database = await createTestDatabase();
{%- endif %}
  }, 120_000);

  // A test that fails before its service exits must not leave it running.
  const started: ChildProcess[] = [];
  afterEach(() => {
    for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  afterAll(async () => {
{%- if values.ownsTables %}
    await database?.drop();
{%- endif %}
{%- if values.runsJobs %}
    await deleteNamespace(namespace);
{%- endif %}
  });

  async function startService(env: Record<string, string>): Promise<RunningService> {
    const issuer = await testIssuer();
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        MANAGEMENT_PORT: '0',
        LOG_LEVEL: 'info',
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        AUTH_JWKS_URL: issuer.jwksUrl,
        SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
        SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
{%- if values.publishesEvents %}
        // No broker: the relay retries in the background, as during a Kafka outage.
        KAFKA_BROKERS: '127.0.0.1:9',
{%- endif %}
{%- if values.runsJobs %}
        REDIS_NAMESPACE: namespace,
{%- endif %}
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    const lines: Record<string, unknown>[] = [];
    let signalledAt = 0;
    const exited = new Promise<{ code: number | null; afterMs: number }>(resolve =>
      child.on('exit', code => resolve({ code, afterMs: Date.now() - signalledAt })),
    );
    const listening = new Promise<string>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', chunk => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
          const line = JSON.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 1);
          lines.push(line);
          if (line.message === 'listening') resolve(`http://127.0.0.1:${line.managementPort}`);
        }
      });
      let stderr = '';
      child.stderr!.on('data', chunk => (stderr += chunk));
      void exited.then(({ code }) => reject(new Error(`service exited (${code}) before listening: ${stderr}`)));
      setTimeout(() => reject(new Error(`service not listening after 15 s: ${stderr}`)), 15_000).unref();
    });
    const managementUrl = await listening;
    await expect.poll(async () => (await fetch(`${managementUrl}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    return {
      child,
      managementUrl,
      lines,
      exited,
      terminate() {
        signalledAt = Date.now();
        child.kill('SIGTERM');
      },
    };
  }

  const logged = (service: RunningService, message: string) => service.lines.filter(line => line.message === message);

  it('exits cleanly (0) after draining when its dependencies are there', async () => {
    const service = await startService({% if values.ownsTables or values.runsJobs %}{
{%- if values.ownsTables %}
      DATABASE_URL: database.url,
{%- endif %}
{%- if values.runsJobs %}
      REDIS_URL: requireEnv('REDIS_URL'),
{%- endif %}
    }{% else %}{}{% endif %});
    service.terminate();
    const { code, afterMs } = await service.exited;
    expect(code).toBe(0);
    expect(afterMs).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(logged(service, 'stopped')).toHaveLength(1);
  });
{%- if values.ownsTables or values.runsJobs %}

  it.each(['stopped', 'unreachable'] as const)(
    'exits within its deadline when {% if values.ownsTables %}PostgreSQL{% endif %}{% if values.ownsTables and values.runsJobs %} and {% endif %}{% if values.runsJobs %}Redis{% endif %} are %s, naming what it could not close',
    async how => {
      const proxies = {
{%- if values.ownsTables %}
        postgres: await TcpProxy.start(hostAndPort(requireEnv('DATABASE_URL'))),
{%- endif %}
{%- if values.runsJobs %}
        redis: await TcpProxy.start(hostAndPort(requireEnv('REDIS_URL'))),
{%- endif %}
      };
      const service = await startService({
{%- if values.ownsTables %}
        DATABASE_URL: proxies.postgres.url(database.url),
{%- endif %}
{%- if values.runsJobs %}
        REDIS_URL: proxies.redis.url(requireEnv('REDIS_URL')),
{%- endif %}
      });
      try {
        for (const proxy of Object.values(proxies)) {
          if (how === 'stopped') await proxy.stop();
          else proxy.blackhole();
        }
        service.terminate();
        const { code, afterMs } = await service.exited;
        // It exited by itself when the close steps' deadline passed, not
        // through the fallback that fires 2 s later.
        expect(afterMs).toBeGreaterThanOrEqual(DRAIN_MS);
        expect(logged(service, 'shutdown overran its deadline; exiting')).toEqual([]);
        // What could not close in time is named, and the exit code says the stop was not clean.
        const unclosed = [
          ...logged(service, 'close step did not finish in time; aborted'),
          ...logged(service, 'close step failed'),
        ].map(line => line.step);
{%- if values.runsJobs %}
        if (how === 'unreachable') {
          // BullMQ waits for an unanswering Redis before it closes: that step is the one cut short.
          expect(unclosed).toContain('job workers and Redis');
          expect(code).toBe(1);
        } else {
          // A refused connection may let BullMQ close at once, or not: either
          // way, the exit code says whether every step closed.
          expect(code).toBe(unclosed.length ? 1 : 0);
        }
{%- else %}
        expect(code).toBe(unclosed.length ? 1 : 0);
{%- endif %}
      } finally {
        for (const proxy of Object.values(proxies)) await proxy.stop().catch(() => {});
      }
    },
    30_000,
  );
{%- endif %}
});
{%- if values.ownsTables or values.runsJobs %}

function hostAndPort(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
}
{%- endif %}
