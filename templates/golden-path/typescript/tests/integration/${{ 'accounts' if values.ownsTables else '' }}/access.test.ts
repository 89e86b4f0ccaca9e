import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../../src/app/infrastructure/postgres/sql';
import { testIssuer, type TestIssuer } from '../../support/auth';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../../support/redis';
{%- endif %}
import { request, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Who may do what with an account, through the API with real tokens: a
 * member reads and spends only their own wallet; services act through their
 * scopes. A refused request writes nothing.
 */
describe('access to accounts', () => {
  let service: TestApp;
  let database: TestDatabase;
  let db: pg.Pool;
  let issuer: TestIssuer;
  const tokens: Record<'alice' | 'bob' | 'reader' | 'writer', string> = { alice: '', bob: '', reader: '', writer: '' };
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}

  beforeAll(async () => {
    issuer = await testIssuer();
    tokens.alice = await issuer.token({ sub: 'member-alice' });
    tokens.bob = await issuer.token({ sub: 'member-bob' });
    tokens.reader = await issuer.token({ sub: 'svc-statements', scope: 'accounts:read' });
    tokens.writer = await issuer.token({ sub: 'svc-checkout', scope: 'accounts:read accounts:write' });
    database = await createTestDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    service = await startTestApp({ DATABASE_URL: database.url }, {
      runBackground: false,
{%- if values.runsJobs %}
      redisNamespace: namespace,
{%- endif %}
    });
  });

  afterAll(async () => {
    await service?.stop();
    await db?.end();
    await database?.drop();
{%- if values.runsJobs %}
    await deleteNamespace(namespace);
{%- endif %}
  });

  const open = (token: string, body: Record<string, unknown> = { currency: 'EUR' }) =>
    request(service.baseUrl, 'POST', '/v1/accounts', { body, token });
  const read = (token: string, id: string) => request(service.baseUrl, 'GET', `/v1/accounts/${id}`, { token });
  const post = (token: string, id: string, type: 'credit' | 'debit', amount: number, key = randomUUID()) =>
    request(service.baseUrl, 'POST', `/v1/accounts/${id}/transactions`, {
      body: { type, amount, currency: 'EUR', reference: 'order-1' },
      headers: { 'idempotency-key': key },
      token,
    });
  const keyStored = async (key: string) =>
    (await db.query(`SELECT 1 FROM ${SCHEMA}.idempotency_keys WHERE key = $1`, [key])).rowCount === 1;

  it('a member opens their own account, reads it and spends from it once a service credited it', async () => {
    const opened = await open(tokens.alice);
    expect(opened.status).toBe(201);
    expect(opened.body.ownerId).toBe('member-alice');
    const id = opened.body.id as string;
    expect((await read(tokens.alice, id)).body).toMatchObject({ id, ownerId: 'member-alice', balance: 0 });

    expect((await post(tokens.writer, id, 'credit', 1_000)).status).toBe(201);
    const spent = await post(tokens.alice, id, 'debit', 300);
    expect(spent.status).toBe(201);
    expect(spent.body.balanceAfter).toBe(700);
  });

  it("a member neither reads nor spends someone else's wallet, and the refusal writes nothing", async () => {
    const id = (await open(tokens.writer, { currency: 'EUR', ownerId: 'member-alice' })).body.id as string;
    await post(tokens.writer, id, 'credit', 500);

    const peek = await read(tokens.bob, id);
    expect(peek.status).toBe(403);
    expect(peek.body).toMatchObject({ status: 403, code: 'forbidden' });
    expect(JSON.stringify(peek.body)).not.toContain('500');

    const key = randomUUID();
    const theft = await post(tokens.bob, id, 'debit', 500, key);
    expect(theft.status).toBe(403);
    expect(await keyStored(key)).toBe(false);
    expect((await read(tokens.alice, id)).body.balance).toBe(500);
  });

  it('a member cannot credit their own wallet, nor open an account for someone else', async () => {
    const id = (await open(tokens.alice)).body.id as string;
    const key = randomUUID();
    const minted = await post(tokens.alice, id, 'credit', 1_000_000, key);
    expect(minted.status).toBe(403);
    expect(minted.body.title).toMatch(/accounts:write/);
    expect(await keyStored(key)).toBe(false);
    expect((await read(tokens.alice, id)).body.balance).toBe(0);

    expect((await open(tokens.alice, { currency: 'EUR', ownerId: 'member-bob' })).status).toBe(403);
    expect((await open(tokens.alice, { currency: 'EUR', ownerId: 'member-alice' })).status).toBe(201);
  });

  it('a service with accounts:read reads any account and changes none', async () => {
    const id = (await open(tokens.alice)).body.id as string;
    expect((await read(tokens.reader, id)).status).toBe(200);
    expect((await post(tokens.reader, id, 'debit', 1)).status).toBe(403);
    expect((await open(tokens.reader, { currency: 'EUR', ownerId: 'member-alice' })).status).toBe(403);
  });

  it('a service with accounts:write opens accounts for a member, who must be named', async () => {
    const opened = await open(tokens.writer, { currency: 'EUR', ownerId: 'member-bob' });
    expect(opened.status).toBe(201);
    expect(opened.body.ownerId).toBe('member-bob');
    expect((await read(tokens.bob, opened.body.id)).status).toBe(200);

    const unnamed = await open(tokens.writer);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.code).toBe('owner-required');
  });

  it('an unknown account is 404 for its would-be owner too, before any key is claimed', async () => {
    const key = randomUUID();
    expect((await post(tokens.alice, randomUUID(), 'debit', 1, key)).status).toBe(404);
    expect(await keyStored(key)).toBe(false);
  });
});
