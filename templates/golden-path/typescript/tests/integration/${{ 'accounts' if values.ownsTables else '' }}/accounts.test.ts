import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA } from '../../../src/app/infrastructure/postgres/sql';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../../support/redis';
{%- endif %}
import { request, startTestApp, type TestApp } from '../../support/test-app';

/**
 * Accounts against a real PostgreSQL: idempotent writes, row locks, no
 * overdraft under concurrency.
 */
describe('accounts', () => {
  let service: TestApp;
  let database: TestDatabase;
  let db: pg.Pool;
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    // Background work off: the relay and workers have their own tests.
    service = await startTestApp({ DATABASE_URL: database.url, DATABASE_POOL_MAX: '25' }, {
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

  const openAccount = async (balance = 0): Promise<string> => {
    const created = await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
    expect(created.status).toBe(201);
    if (balance > 0) {
      const credited = await post(created.body.id, { type: 'credit', amount: balance });
      expect(credited.status).toBe(201);
    }
    return created.body.id;
  };

  const post = (
    accountId: string,
    body: Record<string, unknown>,
    key: string = randomUUID(),
  ) =>
    request(service.baseUrl, 'POST', `/v1/accounts/${accountId}/transactions`, {
      body: { currency: 'EUR', reference: 'order-1', ...body },
      headers: { 'idempotency-key': key },
    });

  const balanceOf = async (accountId: string): Promise<number> => {
    const res = await request(service.baseUrl, 'GET', `/v1/accounts/${accountId}`);
    expect(res.status).toBe(200);
    return res.body.balance;
  };

  const rows = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows;

  it('opens an account with a zero balance and reads it back', async () => {
    const created = await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/accounts/${created.body.id}`);
    expect(created.body).toMatchObject({ currency: 'EUR', balance: 0 });
    const read = await request(service.baseUrl, 'GET', `/v1/accounts/${created.body.id}`);
    expect(read.body).toEqual(created.body);
  });

  it('credits and debits in integer minor units', async () => {
    const id = await openAccount();
    const credit = await post(id, { type: 'credit', amount: 1_050 });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ accountId: id, type: 'credit', amount: 1_050, balanceAfter: 1_050 });
    const debit = await post(id, { type: 'debit', amount: 50 });
    expect(debit.body.balanceAfter).toBe(1_000);
    expect(await balanceOf(id)).toBe(1_000);
  });

  it('replays the first response to a repeated Idempotency-Key without writing twice', async () => {
    const id = await openAccount();
    const key = randomUUID();
    const first = await post(id, { type: 'credit', amount: 700 }, key);
    const second = await post(id, { type: 'credit', amount: 700 }, key);

    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text); // byte for byte
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await balanceOf(id)).toBe(700);
    expect(await rows(`SELECT id FROM ${SCHEMA}.account_transactions WHERE account_id = $1`, [id])).toHaveLength(1);
  });

  it('treats the same body with keys in another order as the same request', async () => {
    const id = await openAccount();
    const key = randomUUID();
    const first = await post(id, { type: 'credit', amount: 5 }, key);
    const reordered = await request(service.baseUrl, 'POST', `/v1/accounts/${id}/transactions`, {
      body: { reference: 'order-1', amount: 5, currency: 'EUR', type: 'credit' },
      headers: { 'idempotency-key': key },
    });
    expect(reordered.status).toBe(201);
    expect(reordered.body).toEqual(first.body);
  });

  it('refuses a reused key with a different body, and writes nothing', async () => {
    const id = await openAccount();
    const key = randomUUID();
    await post(id, { type: 'credit', amount: 100 }, key);
    const reused = await post(id, { type: 'credit', amount: 999 }, key);
    expect(reused.status).toBe(422);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect(await balanceOf(id)).toBe(100);

    // The same key on another account is a different request too.
    const other = await openAccount();
    expect((await post(other, { type: 'credit', amount: 100 }, key)).body.code).toBe('idempotency-key-reused');
    expect(await balanceOf(other)).toBe(0);
  });

  it('answers concurrent retries of one request once', async () => {
    const id = await openAccount();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 10 }, () => post(id, { type: 'credit', amount: 40 }, key)));
    expect(new Set(responses.map(r => r.status))).toEqual(new Set([201]));
    expect(new Set(responses.map(r => r.body.id)).size).toBe(1);
    expect(responses.filter(r => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    expect(await balanceOf(id)).toBe(40);
  });

  it('never overdraws under 20 concurrent debits', async () => {
    const id = await openAccount(100);
    const debits = await Promise.all(Array.from({ length: 20 }, () => post(id, { type: 'debit', amount: 10 })));

    const accepted = debits.filter(r => r.status === 201);
    const refused = debits.filter(r => r.status === 422);
    expect(accepted).toHaveLength(10);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.body.code).toBe('insufficient-funds');
    expect(await balanceOf(id)).toBe(0);
    // Each accepted debit saw the balance left by the one before it.
    expect(accepted.map(r => r.body.balanceAfter).sort((a, b) => a - b)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const [sums] = await rows(
      `SELECT sum(CASE type WHEN 'credit' THEN amount_minor ELSE -amount_minor END)::int AS net
         FROM ${SCHEMA}.account_transactions WHERE account_id = $1`,
      [id],
    );
    expect(sums.net).toBe(0);
  });

  it('refuses a debit below zero with 422, and replays the refusal', async () => {
    const id = await openAccount(30);
    const key = randomUUID();
    const refused = await post(id, { type: 'debit', amount: 31 }, key);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'insufficient-funds', status: 422 });
    // Crediting meanwhile does not change the answer to that same request.
    await post(id, { type: 'credit', amount: 100 });
    const replay = await post(id, { type: 'debit', amount: 31 }, key);
    expect(replay.status).toBe(422);
    expect(replay.body).toEqual(refused.body);
    expect(await balanceOf(id)).toBe(130);
  });

  it('refuses another currency and unknown accounts', async () => {
    const id = await openAccount(10);
    const mismatch = await post(id, { type: 'credit', amount: 1, currency: 'GBP' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.code).toBe('currency-mismatch');

    const unknown = randomUUID();
    expect((await post(unknown, { type: 'credit', amount: 1 })).status).toBe(404);
    expect((await request(service.baseUrl, 'GET', `/v1/accounts/${unknown}`)).status).toBe(404);
  });

  it('validates the request against the API description', async () => {
    const id = await openAccount();
    const noKey = await request(service.baseUrl, 'POST', `/v1/accounts/${id}/transactions`, {
      body: { type: 'credit', amount: 1, currency: 'EUR', reference: 'r-1' },
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors[0]).toMatchObject({ in: 'headers' });

    const cases: Record<string, unknown>[] = [
      { type: 'credit', amount: '100' }, // a string is not an amount
      { type: 'credit', amount: 1.5 },
      { type: 'credit', amount: 0 },
      { type: 'refund', amount: 1 },
      { type: 'credit', amount: 1, reference: 'jane@example.com' },
      { type: 'credit', amount: 1, extra: true },
    ];
    for (const body of cases) {
      const res = await post(id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('invalid-request');
    }
    expect((await request(service.baseUrl, 'GET', '/v1/accounts/not-a-uuid')).status).toBe(400);
    expect(await balanceOf(id)).toBe(0);
  });

  it('forgets idempotency keys after the replay window', async () => {
    const id = await openAccount();
    const key = randomUUID();
    await post(id, { type: 'credit', amount: 1 }, key);
    await db.query(`UPDATE ${SCHEMA}.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [key]);
    expect(await service.app.accounts.pruneIdempotencyKeys(24)).toBeGreaterThanOrEqual(1);
    expect(await rows(`SELECT key FROM ${SCHEMA}.idempotency_keys WHERE key = $1`, [key])).toHaveLength(0);
  });
});
