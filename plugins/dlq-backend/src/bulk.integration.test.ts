/**
 * Bulk replay and discard against a real Redis, in Dramatiq's layout: the
 * pace, cancellation, the audit trail, and two bulk replays of the same
 * 10,000 dead letters at once (every message_id once on the queue).
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { BulkJob } from '@internal/plugin-dlq-common';
import Redis from 'ioredis';
import { Knex } from 'knex';
import request from 'supertest';
import {
  deleteNamespace,
  describeWithRedis,
  dramatiqMessage,
  redisUrl,
  uniqueNamespace,
} from './__testUtils__/dramatiq';
import dlqPlugin from './index';

jest.setTimeout(120_000);

const entity = (name: string, annotation: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': annotation },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
});
const LEDGER = 'component:default/svc-ledger';
const ONCALL = 'user:default/oncall';
const ADMIN = 'user:default/admin';
const DEVELOPER = 'user:default/dev';
const CHANGERS = new Set([ONCALL, ADMIN]);

describeWithRedis('bulk replay and discard against a real Redis', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const namespace = uniqueNamespace();
  const auditor = mockServices.auditor.mock();
  const events: Array<{ success: jest.Mock; fail: jest.Mock; meta: any }> = [];
  let redis: Redis;
  let backend: TestBackend;
  let knex: Knex;

  const post = (path: string, body: object, user = ONCALL) =>
    request(backend.server)
      .post(`/api/dlq${path}`)
      .set('Authorization', mockCredentials.user.header(user))
      .send(body);
  const getJob = async (id: number): Promise<BulkJob> => {
    const res = await request(backend.server)
      .get(`/api/dlq/dead-letters/bulk/${id}`)
      .set('Authorization', mockCredentials.user.header(ONCALL));
    expect(res.status).toBe(200);
    return res.body.job;
  };
  /** Polls the job until it has ended, as the tab does. */
  const ended = async (id: number): Promise<BulkJob> => {
    for (;;) {
      const job = await getJob(id);
      if (job.state !== 'running') return job;
      await new Promise(r => setTimeout(r, 100));
    }
  };

  /** `n` dead letters of ledger's actors on `queue`, in one pipeline. */
  async function deadLetters(n: number, queue = 'critical') {
    const ids: string[] = [];
    const now = Date.now();
    for (let start = 0; start < n; start += 1000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < Math.min(n, start + 1000); i++) {
        const m = dramatiqMessage({
          queue,
          actor: 'ledger.rollback_transaction',
          args: [`t-${i}`],
        });
        const id = m.options.redis_message_id;
        ids.push(m.message_id);
        pipeline.hset(`${namespace}:${queue}.XQ.msgs`, id, JSON.stringify(m));
        pipeline.zadd(`${namespace}:${queue}.XQ`, now - i, id);
      }
      await pipeline.exec();
    }
    return ids;
  }

  /** The message ids waiting on a queue, as a worker would take them. */
  async function enqueuedMessageIds(queue: string): Promise<string[]> {
    const keys = await redis.lrange(`${namespace}:${queue}`, 0, -1);
    const ids: string[] = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const raws = await redis.hmget(
        `${namespace}:${queue}.msgs`,
        ...keys.slice(i, i + 1000),
      );
      ids.push(...raws.map(r => JSON.parse(r!).message_id));
    }
    return ids;
  }

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    knex = await databases.init('SQLITE_3');
    auditor.createEvent.mockImplementation(async options => {
      const event = { success: jest.fn(), fail: jest.fn(), meta: options.meta };
      events.push(event);
      return event;
    });
    backend = await startTestBackend({
      features: [
        dlqPlugin,
        mockServices.rootConfig.factory({
          data: {
            deadLetters: {
              redis: { url: redisUrl! },
              dramatiq: { namespace },
              bulk: { defaultRatePerSecond: 50, maxRatePerSecond: 10_000 },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [entity('svc-ledger', 'dramatiq:ledger.')],
        }),
        mockServices.permissions.mock({
          authorize: async (requests, options) => {
            const user = (options.credentials.principal as any).userEntityRef;
            return requests.map(r => ({
              result:
                r.permission.name === 'dlq.backlog.read' ||
                r.permission.name === 'dlq.message.read' ||
                CHANGERS.has(user)
                  ? AuthorizeResult.ALLOW
                  : AuthorizeResult.DENY,
            }));
          },
        }).factory,
        auditor.factory,
        mockServices.database.factory({ knex }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    if (redis) {
      await deleteNamespace(redis, namespace);
      redis.disconnect();
    }
  });

  beforeEach(async () => {
    await deleteNamespace(redis, namespace);
    events.length = 0;
  });

  it('two bulk replays of the same 10,000 dead letters at once: each message on the queue once, none lost', async () => {
    const ids = await deadLetters(10_000);
    const body = {
      entityRef: LEDGER,
      action: 'replay',
      selection: { filter: { actor: 'ledger.rollback_transaction' } },
      ratePerSecond: 10_000,
    };
    const [a, b] = await Promise.all([
      post('/dead-letters/bulk', body, ONCALL),
      post('/dead-letters/bulk', body, ADMIN),
    ]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const [jobA, jobB] = await Promise.all([
      ended(a.body.job.id),
      ended(b.body.job.id),
    ]);
    expect(jobA.state).toBe('done');
    expect(jobB.state).toBe('done');
    expect(jobA.failed + jobB.failed).toBe(0);
    expect(jobA.done + jobB.done).toBe(10_000);
    expect(jobA.total).toBe(10_000);

    const enqueued = await enqueuedMessageIds('critical');
    expect(enqueued).toHaveLength(10_000);
    expect(new Set(enqueued)).toEqual(new Set(ids));
    expect(await redis.zcard(`${namespace}:critical.XQ`)).toBe(0);
    expect(await redis.hlen(`${namespace}:critical.XQ.msgs`)).toBe(0);
    // One row of the trail per dead letter replayed, pointing at its job.
    const rows = await knex('dlq_actions')
      .where({ outcome: 'done' })
      .whereIn('bulk_job_id', [jobA.id, jobB.id])
      .count({ n: '*' });
    expect(Number(rows[0].n)).toBe(10_000);
  });

  it('keeps its pace, and discards with the reason on every row', async () => {
    await deadLetters(20, 'low');
    const started = Date.now();
    const res = await post('/dead-letters/bulk', {
      entityRef: LEDGER,
      action: 'discard',
      reason: 'Superseded by the 2026-12-06 reconciliation run',
      selection: { filter: { queue: 'low' } },
      ratePerSecond: 10,
    });
    expect(res.status).toBe(202);
    expect(res.body.job).toMatchObject({
      action: 'discard',
      state: 'running',
      ratePerSecond: 10,
      by: ONCALL,
    });
    const job = await ended(res.body.job.id);
    // 20 at 10 a second: the first at once, the last after 1.9 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1800);
    expect(job).toMatchObject({ state: 'done', done: 20, total: 20 });
    expect(await redis.zcard(`${namespace}:low.XQ`)).toBe(0);
    const trail = await request(backend.server)
      .get(`/api/dlq/actions?entityRef=${encodeURIComponent(LEDGER)}`)
      .set('Authorization', mockCredentials.user.header(ONCALL));
    const mine = trail.body.items.filter((i: any) => i.bulkJobId === job.id);
    expect(mine).toHaveLength(20);
    for (const item of mine) {
      expect(item).toMatchObject({
        action: 'discard',
        outcome: 'done',
        bulkJobId: job.id,
        reason: 'Superseded by the 2026-12-06 reconciliation run',
      });
    }
    // One auditor event for the batch, ended with its counts.
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'dead-letter-bulk-discard',
        severityLevel: 'high',
      }),
    );
    expect(events[0].success).toHaveBeenCalledWith({
      meta: expect.objectContaining({ jobId: job.id, state: 'done', done: 20 }),
    });
  });

  it('stops when cancelled: what moved stays moved, the rest stays dead-lettered', async () => {
    await deadLetters(100, 'high');
    const res = await post('/dead-letters/bulk', {
      entityRef: LEDGER,
      action: 'replay',
      selection: { filter: {} },
      ratePerSecond: 20,
    });
    const id = res.body.job.id;
    await new Promise(r => setTimeout(r, 1000));
    const cancel = await post(`/dead-letters/bulk/${id}/cancel`, {}, ADMIN);
    expect(cancel.status).toBe(200);
    const job = await ended(id);
    expect(job.state).toBe('cancelled');
    expect(job.cancelledBy).toBe(ADMIN);
    expect(job.done).toBeGreaterThan(5);
    expect(job.done).toBeLessThan(100);
    expect(await redis.llen(`${namespace}:high`)).toBe(job.done);
    expect(await redis.zcard(`${namespace}:high.XQ`)).toBe(100 - job.done);
    // It no longer moves.
    await new Promise(r => setTimeout(r, 300));
    expect(await redis.llen(`${namespace}:high`)).toBe(job.done);
  });

  it('replays the dead letters selected by key, and counts those already gone as skipped', async () => {
    await deadLetters(3, 'default');
    const keys = await redis.zrange(`${namespace}:default.XQ`, 0, -1);
    const res = await post('/dead-letters/bulk', {
      entityRef: LEDGER,
      action: 'replay',
      selection: {
        keys: [
          ...keys.map(key => ({ queue: 'default', key })),
          { queue: 'default', key: 'already-gone' },
        ],
      },
      ratePerSecond: 1000,
    });
    const job = await ended(res.body.job.id);
    expect(job).toMatchObject({
      state: 'done',
      total: 4,
      done: 3,
      skipped: 1,
      failed: 0,
    });
  });

  it('refuses whoever may not change dead letters, and says what is wrong with a request', async () => {
    const body = {
      entityRef: LEDGER,
      action: 'replay',
      selection: { filter: {} },
    };
    const refused = await post('/dead-letters/bulk', body, DEVELOPER);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'You may not replay or discard dead letters (permissions dlq.message.replay, dlq.message.discard)',
    );
    for (const [bad, message] of [
      [
        { ...body, ratePerSecond: 20_000 },
        'Invalid body ratePerSecond: at most 10000 dead letters per second (deadLetters.bulk.maxRatePerSecond)',
      ],
      [
        { ...body, action: 'discard' },
        'Invalid body reason: give a reason to discard, of at least 10 characters',
      ],
      [
        { ...body, selection: { keys: [] } },
        'Invalid body selection.keys: select at least one dead letter',
      ],
      [
        {
          ...body,
          selection: { filter: { minAgeMinutes: 60, maxAgeMinutes: 5 } },
        },
        'Invalid body selection.filter: minAgeMinutes is more than maxAgeMinutes',
      ],
    ] as const) {
      const res = await post('/dead-letters/bulk', bad);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(message);
    }
    const unknown = await request(backend.server)
      .get('/api/dlq/dead-letters/bulk/424242')
      .set('Authorization', mockCredentials.user.header(ONCALL));
    expect(unknown.status).toBe(404);
  });
});
