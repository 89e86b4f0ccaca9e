import { randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SERVICE } from '../../../src/app/config';
import { SCHEMA } from '../../../src/app/infrastructure/postgres/sql';
import { createLogger } from '../../../src/app/infrastructure/logger';
import { OutboxRelay } from '../../../src/app/infrastructure/outbox/relay';
import { startTelemetry } from '../../../src/app/infrastructure/telemetry';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { RecordingPublisher } from '../../support/recording-publisher';
{%- if values.runsJobs %}
import { deleteNamespace, testNamespace } from '../../support/redis';
{%- endif %}
import { request, sampleValue, startTestApp, type TestApp } from '../../support/test-app';

/**
 * The transactional outbox against a real PostgreSQL. Kafka is replaced by a
 * recording publisher (the one test double, see tests/support) where a test
 * makes publishing slow or fail; kafka.test.ts runs the relay against a real
 * broker.
 */
describe('outbox', () => {
  let service: TestApp;
  let database: TestDatabase;
  let db: pg.Pool;
  const publisher = new RecordingPublisher();
  const logger = createLogger({ level: 'silent', serviceName: 'test' });
{%- if values.runsJobs %}
  const namespace = testNamespace();
{%- endif %}

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new pg.Pool({ connectionString: database.url, max: 4 });
    // The relay is driven by hand below (relayOnce), not by its loop.
    service = await startTestApp({ DATABASE_URL: database.url }, {
      runBackground: false,
      publisher,
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

  beforeEach(async () => {
    // Each test starts from an empty, fully published outbox.
    await db.query(`DELETE FROM ${SCHEMA}.outbox`);
    publisher.published.length = 0;
    publisher.failWith = undefined;
    publisher.delayMs = 0;
  });

  const openAccount = async () => (await request(service.baseUrl, 'POST', '/v1/accounts', { body: { currency: 'EUR', ownerId: 'member-1' } })).body.id as string;
  const credit = (accountId: string, amount: number, key: string = randomUUID()) =>
    request(service.baseUrl, 'POST', `/v1/accounts/${accountId}/transactions`, {
      body: { type: 'credit', amount, currency: 'EUR', reference: 'order-1' },
      headers: { 'idempotency-key': key },
    });

  it('writes the event in the same transaction as the balance change', async () => {
    const id = await openAccount();
    const posted = await credit(id, 250);
    expect(posted.status).toBe(201);

    // xmin is the id of the transaction that wrote a row: one transaction wrote both.
    const { rows } = await db.query(
      `SELECT t.xmin::text AS tx_xmin, o.xmin::text AS outbox_xmin, o.event_type, o.aggregate_id, o.payload
         FROM ${SCHEMA}.account_transactions t JOIN ${SCHEMA}.outbox o ON o.payload->>'transactionId' = t.id::text
        WHERE t.id = $1`,
      [posted.body.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].outbox_xmin).toBe(rows[0].tx_xmin);
    expect(rows[0]).toMatchObject({ event_type: 'account.credited', aggregate_id: id });
    expect(rows[0].payload).toMatchObject({ amount: 250, balanceAfter: 250, currency: 'EUR' });
  });

  it('rolls the event back with the transaction that failed', async () => {
    const id = await openAccount();
    const key = `fail-${randomUUID()}`;
    // Make the last statement of the transaction (storing the response) fail,
    // after the balance, the transaction row and the event were written.
    await db.query(`
      CREATE OR REPLACE FUNCTION fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.key LIKE 'fail-%' THEN RAISE EXCEPTION 'injected failure'; END IF;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS fail_for_test ON ${SCHEMA}.idempotency_keys;
      CREATE TRIGGER fail_for_test BEFORE UPDATE ON ${SCHEMA}.idempotency_keys
        FOR EACH ROW EXECUTE FUNCTION fail_for_test();`);
    try {
      const failed = await credit(id, 999, key);
      expect(failed.status).toBe(500);
      expect(failed.body).toMatchObject({ code: 'internal-error' });
    } finally {
      await db.query(`DROP TRIGGER fail_for_test ON ${SCHEMA}.idempotency_keys; DROP FUNCTION fail_for_test();`);
    }
    const outbox = await db.query(`SELECT 1 FROM ${SCHEMA}.outbox WHERE event_type = 'account.credited' AND aggregate_id = $1`, [id]);
    expect(outbox.rows).toHaveLength(0);
    const txs = await db.query(`SELECT 1 FROM ${SCHEMA}.account_transactions WHERE account_id = $1`, [id]);
    expect(txs.rows).toHaveLength(0);
    expect((await request(service.baseUrl, 'GET', `/v1/accounts/${id}`)).body.balance).toBe(0);
    // The key was released with the rollback: the client's retry goes through.
    expect((await credit(id, 999, key)).status).toBe(201);
  });

  it('relays pending events in order, keyed by account, and marks them published', async () => {
    const id = await openAccount();
    await credit(id, 100);
    await credit(id, 200);

    const metricsBefore = await request(service.managementUrl, 'GET', '/metrics');
    expect(sampleValue(metricsBefore.text, 'outbox_pending_events')).toBe(3);

    expect(await service.app.relay.relayOnce()).toBe(3);
    expect(publisher.published.map(e => e.eventType)).toEqual(['account.opened', 'account.credited', 'account.credited']);
    expect(new Set(publisher.published.map(e => e.aggregateId))).toEqual(new Set([id]));
    expect(publisher.published.map(e => (e.payload as { balanceAfter?: number }).balanceAfter)).toEqual([undefined, 100, 300]);

    const pending = await db.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.outbox WHERE published_at IS NULL`);
    expect(pending.rows[0].n).toBe(0);
    expect(await service.app.relay.relayOnce()).toBe(0);
    const metricsAfter = await request(service.managementUrl, 'GET', '/metrics');
    expect(sampleValue(metricsAfter.text, 'outbox_pending_events')).toBe(0);
  });

  it('keeps events when the broker fails, and sends them on the next attempt', async () => {
    const id = await openAccount();
    publisher.failWith = new Error('broker unreachable');
    await expect(service.app.relay.relayOnce()).rejects.toThrow('broker unreachable');
    expect(await service.app.relay.pendingCount()).toBe(1);

    publisher.failWith = undefined;
    expect(await service.app.relay.relayOnce()).toBe(1);
    expect(publisher.published.map(e => e.aggregateId)).toEqual([id]);
  });

  it('survives losing its database session mid-batch, and sends the batch again (at least once)', async () => {
    const id = await openAccount();
    publisher.delayMs = 1_000;
    const attempt = service.app.relay.relayOnce();
    // While the batch is with the broker, the server ends the relay's session
    // (as an idle-in-transaction timeout or a failover would).
    await expect.poll(() => publisher.inFlight, { interval: 10 }).toBe(1);
    const { rows } = await db.query(
      `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = $1 AND state = 'idle in transaction'`,
      [SERVICE.name],
    );
    expect(rows).toEqual([{ killed: true }]);
    await expect(attempt).rejects.toThrow();
    expect(await service.app.relay.pendingCount()).toBe(1);

    publisher.delayMs = 0;
    expect(await service.app.relay.relayOnce()).toBe(1);
    // The broker saw the event twice: consumers de-duplicate on its id.
    const sent = publisher.published.filter(e => e.aggregateId === id);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.eventId).toBe(sent[1]!.eventId);
    // And the pool still works.
    expect((await request(service.managementUrl, 'GET', '/readyz')).status).toBe(200);
  });

  it("keeps each account's order with two relays running beside the writes, and sends nothing twice", async () => {
    // Two replicas' relays, a broker that acknowledges batches after a
    // random delay, and writes interleaved across accounts while they run.
    publisher.delayMs = 0;
    const slowBroker: RecordingPublisher = Object.assign(new RecordingPublisher(), {
      async publish(this: RecordingPublisher, events: Parameters<RecordingPublisher['publish']>[0]) {
        await new Promise(resolve => setTimeout(resolve, Math.random() * 15));
        this.published.push(...events);
      },
    });
    const relays = [1, 2].map(
      () => new OutboxRelay({ pool: service.app.pool, publisher: slowBroker, logger, batchSize: 3, idleDelayMs: 5 }),
    );
    for (const relay of relays) relay.start();
    try {
      const accounts = await Promise.all(Array.from({ length: 5 }, () => openAccount()));
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(
          accounts.map(id =>
            round % 2 === 0
              ? credit(id, 10)
              : request(service.baseUrl, 'POST', `/v1/accounts/${id}/transactions`, {
                  body: { type: 'debit', amount: 5, currency: 'EUR', reference: 'order-1' },
                  headers: { 'idempotency-key': randomUUID() },
                }),
          ),
        );
      }
      const total = accounts.length * 7;
      await expect.poll(() => slowBroker.published.length, { timeout: 10_000 }).toBe(total);

      // What each account went through, in the order it was written...
      const { rows } = await db.query<{ aggregate_id: string; event_id: string }>(
        `SELECT aggregate_id, event_id FROM ${SCHEMA}.outbox ORDER BY id`,
      );
      for (const id of accounts) {
        const written = rows.filter(r => r.aggregate_id === id).map(r => r.event_id);
        // ...is what the broker received for it, in that order.
        const received = slowBroker.published.filter(e => e.aggregateId === id).map(e => e.eventId);
        expect(received).toEqual(written);
        const balances = slowBroker.published
          .filter(e => e.aggregateId === id && e.eventType !== 'account.opened')
          .map(e => (e.payload as { balanceAfter: number }).balanceAfter);
        expect(balances).toEqual([10, 5, 15, 10, 20, 15]);
      }
      expect(new Set(slowBroker.published.map(e => e.eventId)).size).toBe(total);
    } finally {
      await Promise.all(relays.map(relay => relay.stop()));
    }
  });

  it('lets one relay publish at a time: the other finds its turn taken and waits', async () => {
    await openAccount();
    publisher.delayMs = 300;
    const other = new OutboxRelay({ pool: service.app.pool, publisher, logger });
    const first = service.app.relay.relayOnce();
    await expect.poll(() => publisher.inFlight, { interval: 10 }).toBe(1);
    expect(await other.relayOnce()).toBe(0);
    expect(await first).toBe(1);
    expect(publisher.published).toHaveLength(1);
  });

  it('runs continuously once started, and stops cleanly', async () => {
    const id = await openAccount();
    const relay = new OutboxRelay({ pool: service.app.pool, publisher, logger, idleDelayMs: 20 });
    relay.start();
    try {
      await credit(id, 5);
      await expect.poll(() => publisher.published.length, { timeout: 5_000 }).toBe(2);
    } finally {
      await relay.stop();
    }
  });

  it('passes the trace of the writing request on to the event', async () => {
    const telemetry = startTelemetry({ serviceName: 'test' });
    try {
      const id = await openAccount();
      const tracer = trace.getTracer('outbox-test');
      const traceId = await tracer.startActiveSpan('post', async span => {
        await service.app.accounts.postTransaction(
          {
            accountId: id,
            request: { type: 'credit', amount: 1, currency: 'EUR', reference: 'traced' },
            idempotencyKey: randomUUID(),
            fingerprint: 'test',
          },
          () => ({ status: 201, body: {} }),
        );
        span.end();
        return span.spanContext().traceId;
      });
      await service.app.relay.relayOnce();
      const event = publisher.published.find(e => e.eventType === 'account.credited');
      expect(event?.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
    } finally {
      await telemetry.shutdown();
    }
  });
});
