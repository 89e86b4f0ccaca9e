import { afterAll, beforeAll, describe, expect, it } from 'vitest';
{%- if values.ownsTables %}
import { createTestDatabase, type TestDatabase } from '../support/databases';
{%- endif %}
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../support/redis';
{%- endif %}
import { createLogger } from '../../src/app/infrastructure/logger';
import { ALL_SCOPES, testIssuer } from '../support/auth';
import { request, sampleValue, startTestApp, type TestApp } from '../support/test-app';

/** The service as Kubernetes and Prometheus see it: probes, metrics, errors, shutdown. */
describe('HTTP surface', () => {
  let service: TestApp;
{%- if values.ownsTables %}
  let database: TestDatabase;
{%- endif %}
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}

  beforeAll(async () => {
{%- if values.ownsTables %}
    database = await createTestDatabase();
{%- endif %}
    service = await startTestApp(
      {
{%- if values.ownsTables %}
        DATABASE_URL: database.url,
{%- endif %}
      },
      {
{%- if values.runsJobs %}
        redisNamespace: namespace,
{%- endif %}
{%- if values.ownsTables or values.runsJobs %}
        runBackground: false,
{%- endif %}
      },
    );
  });

  afterAll(async () => {
    await service?.stop();
{%- if values.ownsTables %}
    await database?.drop();
{%- endif %}
{%- if values.runsJobs %}
    await deleteNamespace(namespace);
{%- endif %}
  });

  it('answers liveness without touching dependencies', async () => {
    const res = await request(service.managementUrl, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('is ready when its dependencies answer', async () => {
    const res = await request(service.managementUrl, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ready',
      checks: { {% if values.ownsTables %}postgres: 'ok'{% if values.runsJobs %}, {% endif %}{% endif %}{% if values.runsJobs %}redis: 'ok'{% endif %} },
    });
  });

  it('counts API requests by templated route and status, not probes', async () => {
{%- if values.ownsTables %}
    const created = await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
    expect(created.status).toBe(201);
    await request(service.baseUrl, 'GET', `/v1/accounts/${created.body.id}`);
    const route = { method: 'GET', route: '/v1/accounts/:accountId', status_code: '200' };
{%- else %}
    const quoted = await request(service.baseUrl, 'POST', '/v1/quotes/points', {
      body: { amount: 1000, currency: 'EUR', tier: 'gold' },
    });
    expect(quoted.status).toBe(200);
    const route = { method: 'POST', route: '/v1/quotes/points', status_code: '200' };
{%- endif %}
    await request(service.baseUrl, 'GET', '/no/such/route');

    const metrics = await request(service.managementUrl, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(sampleValue(metrics.text, 'http_request_duration_seconds_count', route)).toBe(1);
    expect(
      sampleValue(metrics.text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }),
    ).toBe(1);
    // The objective's bucket exists, so the latency SLI can be computed.
    expect(sampleValue(metrics.text, 'http_request_duration_seconds_bucket', { ...route, le: String(${{ values.sloLatencyP99Ms | dump }} / 1000) })).toBe(1);
    expect(metrics.text).not.toMatch(/route="\/(healthz|readyz|metrics)"/);
    expect(metrics.text).toContain('process_cpu_seconds_total');
  });

  it('answers unknown routes and malformed bodies with problem details', async () => {
    const missing = await request(service.baseUrl, 'GET', '/no/such/route');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({ status: 404, code: 'not-found' });

    const token = await (await testIssuer()).token({ sub: 'svc-test-caller', scope: ALL_SCOPES });
    const res = await fetch(`${service.baseUrl}{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"not json',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, type: 'about:blank' });
  });

  it('echoes the caller request id, or makes one', async () => {
    const given = await request(service.managementUrl, 'GET', '/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await request(service.managementUrl, 'GET', '/healthz');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves probes, metrics and its description on the management port only, never where the gateway sends traffic', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await request(service.baseUrl, 'GET', path)).status, path).toBe(404);
      expect((await request(service.managementUrl, 'GET', path)).status, path).toBe(200);
    }
    expect((await request(service.managementUrl, 'GET', '{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}')).status).toBe(404);
  });

  it('logs the requests worth reading (failed or slow) unless told to log all, never a token', async () => {
    for (const mode of ['failed-or-slow', 'all'] as const) {
      const lines: Record<string, any>[] = [];
      const logger = createLogger(
        { level: 'info', serviceName: 'svc-test' },
        { write: (line: string) => void lines.push(JSON.parse(line)) },
      );
      const logged = await startTestApp(
        {
          LOG_REQUESTS: mode,
{%- if values.ownsTables %}
          DATABASE_URL: database.url,
{%- endif %}
        },
        { logger{% if values.ownsTables or values.runsJobs %}, runBackground: false{% endif %}{% if values.runsJobs %}, redisNamespace: namespace{% endif %} },
      );
      try {
{%- if values.ownsTables %}
        const ok = await request(logged.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
        expect(ok.status).toBe(201);
{%- else %}
        const ok = await request(logged.baseUrl, 'POST', '/v1/quotes/points', { body: { amount: 1000, currency: 'EUR', tier: 'gold' } });
        expect(ok.status).toBe(200);
{%- endif %}
        const refused = await request(logged.baseUrl, 'POST', '{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}', { body: {}, token: 'not-a-jwt' });
        expect(refused.status).toBe(401);
      } finally {
        await logged.stop();
      }
      const completed = lines.filter(line => line.message === 'request completed').map(line => line.res.statusCode);
      expect(completed).toEqual(mode === 'all' ? [{% if values.ownsTables %}201{% else %}200{% endif %}, 401] : [401]);
      expect(JSON.stringify(lines)).not.toContain('not-a-jwt');
    }
  });

  it('serves its OpenAPI description', async () => {
    const res = await request(service.managementUrl, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe(${{ values.name | dump }});
  });
{%- if values.ownsTables or values.runsJobs %}

  it('is not ready when a dependency is unreachable, and still alive', async () => {
    // A port nothing listens on: connections are refused at once.
    const broken = await startTestApp(
      {
{%- if values.ownsTables %}
        DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
{%- endif %}
{%- if values.runsJobs %}
        REDIS_URL: 'redis://127.0.0.1:9',
{%- endif %}
      },
      { runBackground: false{% if values.runsJobs %}, redisNamespace: namespace{% endif %} },
    );
    try {
      const ready = await request(broken.managementUrl, 'GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('not-ready');
      expect(Object.values(ready.body.checks)).toContain('failed');
      expect((await request(broken.managementUrl, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await broken.stop();
    }
  });
{%- endif %}

  it('fails readiness as soon as it starts draining, then stops', async () => {
    const draining = await startTestApp(
      {
{%- if values.ownsTables %}
        DATABASE_URL: database.url,
{%- endif %}
      },
      { drainDelayMs: 300{% if values.ownsTables or values.runsJobs %}, runBackground: false{% endif %}{% if values.runsJobs %}, redisNamespace: namespace{% endif %} },
    );
    const stopped = draining.stop();
    const during = await request(draining.managementUrl, 'GET', '/readyz');
    expect(during.status).toBe(503);
    expect(during.body.status).toBe('draining');
    await stopped;
    await expect(fetch(`${draining.managementUrl}/healthz`)).rejects.toThrow();
  });
});
