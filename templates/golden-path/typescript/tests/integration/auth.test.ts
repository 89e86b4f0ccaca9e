import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE } from '../../src/app/config';
{%- if values.ownsTables %}
import { createTestDatabase, type TestDatabase } from '../support/databases';
{%- endif %}
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../support/redis';
{%- endif %}
import { testIssuer, type TestIssuer } from '../support/auth';
import { request, startTestApp, type TestApp } from '../support/test-app';

/**
 * Bearer tokens on the API, checked against a real JWKS endpoint: what a
 * caller without a good token gets, whatever the route.
 */
describe('authentication', () => {
  let service: TestApp;
  let issuer: TestIssuer;
{%- if values.ownsTables %}
  let database: TestDatabase;
{%- endif %}
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}
{%- if values.ownsTables %}
  // A member's own call: open their account.
  const call = (token: string | null) =>
    request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR' }, token });
  const OK = 201;
{%- else %}
  const call = (token: string | null) =>
    request(service.baseUrl, 'POST', '/v1/quotes/points', { body: { amount: 1000, currency: 'EUR', tier: 'gold' }, token });
  const OK = 200;
{%- endif %}

  beforeAll(async () => {
    issuer = await testIssuer();
{%- if values.ownsTables %}
    database = await createTestDatabase();
{%- endif %}
    service = await startTestApp({% if values.ownsTables %}{ DATABASE_URL: database.url }{% else %}{}{% endif %}, {
{%- if values.ownsTables or values.runsJobs %}
      runBackground: false,
{%- endif %}
{%- if values.runsJobs %}
      redisNamespace: namespace,
{%- endif %}
    });
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

  it('serves a caller whose token the identity provider signed for this service', async () => {
    expect((await call(await issuer.token({ sub: 'member-1' }))).status).toBe(OK);
  });

  it('answers 401 with a Bearer challenge without a token, and reads nothing of the request', async () => {
    const res = await request(service.baseUrl, 'POST', '{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}', {
      body: { not: 'what the API takes' },
      token: null,
    });
    // Not 400: an anonymous caller learns nothing about the request format.
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${SERVICE.name}"`);
    const basic = await request(service.baseUrl, 'POST', '{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}', {
      body: {},
      token: null,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });
    expect(basic.status).toBe(401);
  });

  it.each([
    ['expired', () => issuer.token({ sub: 'member-1' }, { expiresIn: -120 }), /expired/],
    ['for another service', () => issuer.token({ sub: 'member-1' }, { audience: 'svc-other' }), /"aud" claim/],
    ['from another issuer', () => issuer.token({ sub: 'member-1' }, { issuer: 'https://evil.example/' }), /"iss" claim/],
    ['signed with a key the provider does not publish', () => issuer.foreignToken({ sub: 'member-1' }), /signature/],
    ['not a JWT', async () => 'abc.def.ghi', /malformed/],
    ['with a subject that is no id', () => issuer.token({ sub: 'jane doe@example.com' }), /subject/],
  ])('refuses a token %s with 401 invalid_token, saying why', async (_what, token, reason) => {
    const res = await call(await token());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('invalid-token');
    expect(res.body.title).toMatch(reason);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="[^"]+", error="invalid_token"/);
  });

  it('refuses an unsigned token ("alg": "none")', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      sub: 'member-1',
      iss: issuer.issuer,
      aud: issuer.audience,
      exp: now + 300,
    })}.`;
    const res = await call(unsigned);
    expect(res.status).toBe(401);
  });

  it('answers 503 with Retry-After, not 401, while the identity provider cannot be reached, and stays up', async () => {
    const keysDown = await startTestApp({% if values.ownsTables %}{ DATABASE_URL: database.url, AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }{% else %}{ AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }{% endif %}, {
{%- if values.ownsTables or values.runsJobs %}
      runBackground: false,
{%- endif %}
{%- if values.runsJobs %}
      redisNamespace: namespace,
{%- endif %}
    });
    try {
      const res = await request(keysDown.baseUrl, 'POST', '{% if values.ownsTables %}/v1/accounts{% else %}/v1/quotes/points{% endif %}', {
        body: {% if values.ownsTables %}{ currency: 'EUR' }{% else %}{ amount: 1000, currency: 'EUR', tier: 'gold' }{% endif %},
        token: await issuer.token({ sub: 'member-1' }),
      });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('auth-unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
      expect((await request(keysDown.managementUrl, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await keysDown.stop();
    }
  });
});
