{%- if values.ownsTables %}
import { randomUUID } from 'node:crypto';
{%- endif %}
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOpenApi } from '../../src/app/api/openapi';
{%- if values.ownsTables %}
import { createTestDatabase, type TestDatabase } from '../support/databases';
{%- endif %}
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../support/redis';
{%- endif %}
import { testIssuer } from '../support/auth';
import { request, startTestApp, type TestApp } from '../support/test-app';

/**
 * Every response the running service gives is checked against
 * openapi/openapi.yaml: its status must be documented for the operation, its
 * media type and body must match, and documented headers must match their
 * schema. The last test fails if a documented response was never exercised,
 * so a new response in the document needs a case here.
 */
const document = loadOpenApi();
const SPEC_ID = 'https://contract.test/openapi.json';
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(document as object, SPEC_ID);

type Doc = Record<string, any>;
const pointer = (ref: string): Doc =>
  ref
    .slice(2)
    .split('/')
    .reduce((node: Doc, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document as Doc);
const deref = (node: Doc): Doc => (node?.$ref ? deref(pointer(node.$ref)) : node);
const escape = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');

const documented = new Set<string>();
for (const [path, operations] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(operations)) {
    for (const status of Object.keys(operation.responses)) documented.add(`${method.toUpperCase()} ${path} ${status}`);
  }
}
const exercised = new Set<string>();

type Response = Awaited<ReturnType<typeof request>>;

/** Checks one real response against the document. */
function conforms(method: string, specPath: string, res: Response): void {
  const key = `${method} ${specPath} ${res.status}`;
  const responses = (document.paths[specPath]?.[method.toLowerCase()] as Doc | undefined)?.responses;
  expect(responses, `${method} ${specPath} is documented`).toBeDefined();
  const documentedResponse = responses![String(res.status)];
  expect(documentedResponse, `${key} is documented`).toBeDefined();
  const response = deref(documentedResponse);
  // Where the response schema lives, as a JSON pointer into the document.
  const base = documentedResponse.$ref
    ? documentedResponse.$ref.slice(1)
    : `/paths/${escape(specPath)}/${method.toLowerCase()}/responses/${res.status}`;

  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const mediaTypes = Object.keys(response.content ?? {});
  expect(mediaTypes, `${key} content type`).toContain(contentType);
  const validate = ajv.getSchema(`${SPEC_ID}#${base}/content/${escape(contentType)}/schema`);
  expect(validate, `schema of ${key}`).toBeDefined();
  const body = res.body ?? res.text;
  expect(validate!(body), `${key} body: ${ajv.errorsText(validate!.errors)}`).toBe(true);

  for (const [name, header] of Object.entries((response.headers ?? {}) as Doc)) {
    const value = res.headers.get(name);
    if (value === null) continue;
    const schema = deref(deref(header).schema);
    expect(ajv.validate(schema, value), `${key} header ${name}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
  }
  exercised.add(key);
}

describe('contract: responses match openapi/openapi.yaml', () => {
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

  const call = async (
    method: string,
    specPath: string,
    path: string,
    options?: Parameters<typeof request>[3],
    on: TestApp = service,
  ) => {
    const res = await request(specPath.startsWith('/v1/') ? on.baseUrl : on.managementUrl, method, path, options);
    conforms(method, specPath, res);
    return res;
  };

  it('operations', async () => {
    expect((await call('GET', '/healthz', '/healthz')).status).toBe(200);
    expect((await call('GET', '/readyz', '/readyz')).status).toBe(200);
    expect((await call('GET', '/metrics', '/metrics')).status).toBe(200);
    const spec = await call('GET', '/openapi.json', '/openapi.json');
    // What is served is the document these tests check against.
    expect(spec.body).toEqual(document);
  });

  it('readiness while draining', async () => {
    const draining = await startTestApp({% if values.ownsTables %}{ DATABASE_URL: database.url }{% else %}{}{% endif %}, {
{%- if values.ownsTables or values.runsJobs %}
      runBackground: false,
{%- endif %}
      drainDelayMs: 200,
{%- if values.runsJobs %}
      redisNamespace: namespace,
{%- endif %}
    });
    const stopped = draining.stop();
    const res = await request(draining.managementUrl, 'GET', '/readyz');
    conforms('GET', '/readyz', res);
    expect(res.status).toBe(503);
    await stopped;
  });
{%- if values.ownsTables %}

  it('accounts', async () => {
    const created = await call('POST', '/v1/accounts', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/accounts/${created.body.id}`);
    expect((await call('POST', '/v1/accounts', '/v1/accounts', { body: { currency: 'euro' } })).status).toBe(400);

    const id = created.body.id as string;
    expect((await call('GET', '/v1/accounts/{accountId}', `/v1/accounts/${id}`)).status).toBe(200);
    expect((await call('GET', '/v1/accounts/{accountId}', '/v1/accounts/42')).status).toBe(400);
    expect((await call('GET', '/v1/accounts/{accountId}', `/v1/accounts/${randomUUID()}`)).status).toBe(404);
  });

  it('transactions', async () => {
    const id = (await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } }))
      .body.id as string;
    const path = `/v1/accounts/${id}/transactions`;
    const spec = '/v1/accounts/{accountId}/transactions';
    const body = { type: 'credit', amount: 500, currency: 'EUR', reference: 'order-1' };
    const key = randomUUID();

    const first = await call('POST', spec, path, { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const replay = await call('POST', spec, path, { body, headers: { 'idempotency-key': key } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);

    const reused = await call('POST', spec, path, { body: { ...body, amount: 1 }, headers: { 'idempotency-key': key } });
    expect(reused.status).toBe(422);
    const overdraft = await call('POST', spec, path, {
      body: { ...body, type: 'debit', amount: 501 },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(overdraft.status).toBe(422);
    expect((await call('POST', spec, path, { body })).status).toBe(400);
    const unknown = `/v1/accounts/${randomUUID()}/transactions`;
    expect((await call('POST', spec, unknown, { body, headers: { 'idempotency-key': randomUUID() } })).status).toBe(404);
  });
{%- else %}

  it('quotes', async () => {
    const spec = '/v1/quotes/points';
    expect((await call('POST', spec, spec, { body: { amount: 12_345, currency: 'EUR', tier: 'silver' } })).status).toBe(200);
    expect((await call('POST', spec, spec, { body: { amount: 12_345, currency: 'EUR' } })).status).toBe(400);
    expect((await call('POST', spec, spec, { body: { amount: 100, currency: 'SEK', tier: 'gold' } })).status).toBe(422);
  });
{%- endif %}


  it('authentication and access', async () => {
    const issuer = await testIssuer();
    const someoneElse = await issuer.token({ sub: 'member-2' });
{%- if values.ownsTables %}
    const id = (await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } }))
      .body.id as string;
    const operations: [string, string, string, Parameters<typeof request>[3]][] = [
      ['POST', '/v1/accounts', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } }],
      ['GET', '/v1/accounts/{accountId}', `/v1/accounts/${id}`, {}],
      [
        'POST',
        '/v1/accounts/{accountId}/transactions',
        `/v1/accounts/${id}/transactions`,
        {
          body: { type: 'debit', amount: 1, currency: 'EUR', reference: 'order-1' },
          headers: { 'idempotency-key': randomUUID() },
        },
      ],
    ];
{%- else %}
    const operations: [string, string, string, Parameters<typeof request>[3]][] = [
      ['POST', '/v1/quotes/points', '/v1/quotes/points', { body: { amount: 100, currency: 'EUR', tier: 'gold' } }],
    ];
{%- endif %}
    // Keys that cannot be fetched: a port nothing listens on.
    const keysDown = await startTestApp({% if values.ownsTables %}{ DATABASE_URL: database.url, AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }{% else %}{ AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }{% endif %}, {
{%- if values.ownsTables or values.runsJobs %}
      runBackground: false,
{%- endif %}
{%- if values.runsJobs %}
      redisNamespace: namespace,
{%- endif %}
    });
    try {
      for (const [method, spec, path, options] of operations) {
        const anonymous = await call(method, spec, path, { ...options, token: null });
        expect(anonymous.status, `${method} ${spec}`).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
{%- if values.ownsTables %}
        expect((await call(method, spec, path, { ...options, token: someoneElse })).status, `${method} ${spec}`).toBe(403);
{%- else %}
        expect((await call(method, spec, path, { ...options, token: someoneElse })).status, `${method} ${spec}`).toBe(200);
{%- endif %}
        const unavailable = await call(method, spec, path, { ...options, token: someoneElse }, keysDown);
        expect(unavailable.status, `${method} ${spec}`).toBe(503);
        expect(unavailable.headers.get('retry-after')).toBe('5');
      }
    } finally {
      await keysDown.stop();
    }
  });

  it('exercised every documented response', () => {
    const missing = [...documented].filter(key => !exercised.has(key));
    expect(missing).toEqual([]);
  });
});
