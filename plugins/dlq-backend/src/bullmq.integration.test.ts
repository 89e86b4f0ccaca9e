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
import {
  DeadLetter,
  DeadLetterList,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import { Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describeWithRedis, redisUrl } from './__testUtils__/dramatiq';
import { CuttingProxy } from './__testUtils__/cuttingProxy';
import dlqPlugin from './index';

jest.setTimeout(30_000);

const SERVICE = `svc-dlqtest-${randomBytes(4).toString('hex')}`;
const OTHER = `${SERVICE}-other`;
const REF = `component:default/${SERVICE}`;
const OTHER_REF = `component:default/${OTHER}`;
const HASH = `${SERVICE}:dead-letter`;

const entity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': `bullmq:${name}` },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
});

const ONCALL = 'user:default/oncall';
const DEVELOPER = 'user:default/dev';
const GRANTS: Record<string, string[]> = {
  [ONCALL]: [
    'dlq.backlog.read',
    'dlq.message.read',
    'dlq.message.replay',
    'dlq.message.discard',
  ],
  [DEVELOPER]: ['dlq.backlog.read', 'dlq.message.read'],
};
const MINUTE = 60_000;

/** The record a golden-path service writes when a job dead-letters. */
function record(fields: {
  queue: string;
  jobId: string;
  jobName?: string;
  data?: unknown;
  minutesAgo: number;
  attempts?: number;
  backoffMs?: number;
}) {
  const at = Date.now() - fields.minutesAgo * MINUTE;
  return {
    id: `${fields.queue}/${fields.jobId}`,
    queue: fields.queue,
    jobId: fields.jobId,
    jobName: fields.jobName ?? 'rewards.grant',
    data: fields.data ?? { orderId: 'o-1' },
    failedReason: 'ledger unavailable',
    stacktrace: ['Error: ledger unavailable', '    at grant (grant.ts:12:5)'],
    attemptsMade: fields.attempts ?? 1,
    ...(fields.attempts !== undefined
      ? { attempts: fields.attempts, backoffMs: fields.backoffMs ?? 0 }
      : {}),
    enqueuedAt: new Date(at - MINUTE).toISOString(),
    deadLetteredAt: new Date(at).toISOString(),
  };
}

async function deleteKeys(redis: Redis, pattern: string) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      pattern,
      'COUNT',
      1000,
    );
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}

describeWithRedis('BullMQ dead letters against a real Redis', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let redis: Redis;
  let backend: TestBackend;
  const queues = new Map<string, Queue>();

  const bullQueue = (name: string) => {
    if (!queues.has(name)) {
      queues.set(name, new Queue(name, { connection: redis, prefix: 'bull' }));
    }
    return queues.get(name)!;
  };
  const as = (user: string) => mockCredentials.user.header(user);
  const post = (path: string, body: object, user = ONCALL) =>
    request(backend.server)
      .post(`/api/dlq${path}`)
      .set('Authorization', as(user))
      .send(body);
  const list = async (ref = REF) => {
    const res = await request(backend.server)
      .get(`/api/dlq/dead-letters?entityRef=${encodeURIComponent(ref)}`)
      .set('Authorization', as(ONCALL));
    expect(res.status).toBe(200);
    return res.body as DeadLetterList;
  };

  /** A job that really failed in BullMQ (attempts 1), and its record. */
  async function failedJob(queue: string, data: unknown) {
    const name = `${SERVICE}-${queue}`;
    const workerConnection = new Redis(redisUrl!, {
      maxRetriesPerRequest: null,
    });
    const worker = new Worker(
      name,
      async () => {
        throw new Error('ledger unavailable');
      },
      { connection: workerConnection, prefix: 'bull' },
    );
    try {
      const job = await bullQueue(name).add('rewards.grant', data, {
        attempts: 1,
      });
      for (let i = 0; i < 100; i++) {
        if ((await job.getState()) === 'failed') break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(await job.getState()).toBe('failed');
      return job.id!;
    } finally {
      await worker.close();
      workerConnection.disconnect();
    }
  }

  beforeAll(async () => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: null });
    const knex = await databases.init('SQLITE_3');
    backend = await startTestBackend({
      features: [
        dlqPlugin,
        mockServices.rootConfig.factory({
          data: {
            deadLetters: {
              redis: { url: redisUrl! },
              links: [
                {
                  title: 'Logs',
                  urlTemplate:
                    'https://grafana.example/explore?job={messageId}&name={actor}&queue={queue}',
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [entity(SERVICE), entity(OTHER)],
        }),
        mockServices.permissions.mock({
          authorize: async (requests, options) => {
            const user = (options.credentials.principal as any).userEntityRef;
            return requests.map(r => ({
              result: (GRANTS[user] ?? []).includes((r as any).permission.name)
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            }));
          },
        }).factory,
        mockServices.database.factory({ knex }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await Promise.all([...queues.values()].map(q => q.close()));
    if (redis) {
      await deleteKeys(redis, `${SERVICE}*`);
      await deleteKeys(redis, `bull:${SERVICE}-*`);
      redis.disconnect();
    }
  });

  beforeEach(async () => {
    await deleteKeys(redis, `${SERVICE}*`);
    await deleteKeys(redis, `bull:${SERVICE}-*`);
  });

  const write = (hash: string, r: ReturnType<typeof record>) =>
    redis.hset(hash, r.id, JSON.stringify(r));

  it("lists a service's dead letters newest first, with depth per queue and unreadable records", async () => {
    const old = record({ queue: 'critical', jobId: '7', minutesAgo: 90 });
    const recent = record({
      queue: 'default',
      jobId: '12',
      minutesAgo: 5,
      attempts: 3,
      backoffMs: 1000,
    });
    const middle = record({ queue: 'critical', jobId: '9', minutesAgo: 30 });
    await write(HASH, old);
    await write(HASH, recent);
    await write(HASH, middle);
    await redis.hset(HASH, 'low/13', '{"jobId": "13", "job');
    // Another service's dead letters are not this one's.
    await write(
      `${OTHER}:dead-letter`,
      record({ queue: 'high', jobId: '1', minutesAgo: 1 }),
    );

    const body = await list();
    expect(body.source).toBe(`bullmq:${SERVICE}`);
    expect(body.items.map(i => i.key)).toEqual([
      'default/12',
      'critical/9',
      'critical/7',
      'low/13',
    ]);
    expect(body.total).toBe(4);
    expect(body.queues).toEqual([
      { queue: 'critical', depth: 2, oldestDeadLetteredAt: old.deadLetteredAt },
      { queue: 'high', depth: 0 },
      {
        queue: 'default',
        depth: 1,
        oldestDeadLetteredAt: recent.deadLetteredAt,
      },
      {
        queue: 'low',
        depth: 1,
        oldestDeadLetteredAt: new Date(0).toISOString(),
      },
    ]);
    expect(body.items[0]).toEqual<DeadLetter>({
      queue: 'default',
      key: 'default/12',
      messageId: '12',
      actor: 'rewards.grant',
      args: [{ orderId: 'o-1' }],
      kwargs: {},
      retries: 3,
      attempts: 3,
      traceback: 'Error: ledger unavailable\n    at grant (grant.ts:12:5)',
      enqueuedAt: recent.enqueuedAt,
      deadLetteredAt: recent.deadLetteredAt,
      links: [
        {
          title: 'Logs',
          url: 'https://grafana.example/explore?job=12&name=rewards.grant&queue=default',
        },
      ],
    });
    expect(body.items[3]).toMatchObject({
      key: 'low/13',
      unreadable: expect.stringMatching(/^not JSON/),
    });
    // It can only be discarded.
    const replay = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'low',
      key: 'low/13',
    });
    expect(replay.status).toBe(400);
    expect(await redis.hexists(HASH, 'low/13')).toBe(1);
  });

  it('replays a job still in BullMQ’s failed set, once', async () => {
    const jobId = await failedJob('high', { orderId: 'o-42' });
    const r = record({ queue: 'high', jobId, minutesAgo: 1, attempts: 1 });
    await write(HASH, r);

    const res = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'high',
      key: r.id,
    });
    expect(res.status).toBe(200);
    expect(res.body.replayed).toMatchObject({ key: r.id, messageId: jobId });

    const job = await Job.fromId(bullQueue(`${SERVICE}-high`), jobId);
    expect(await job!.getState()).toBe('waiting');
    expect(job!.attemptsMade).toBe(0);
    expect(job!.data).toEqual({ orderId: 'o-42' });
    expect(await redis.hexists(HASH, r.id)).toBe(0);

    const again = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'high',
      key: r.id,
    });
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/already replayed or discarded/);
  });

  it('of two simultaneous replays, one wins and the job runs once', async () => {
    const jobId = await failedJob('critical', { orderId: 'o-7' });
    const r = record({ queue: 'critical', jobId, minutesAgo: 1, attempts: 1 });
    await write(HASH, r);
    const body = { entityRef: REF, queue: 'critical', key: r.id };
    const answers = await Promise.all([
      post('/dead-letters/replay', body),
      post('/dead-letters/replay', body),
    ]);
    expect(answers.map(a => a.status).sort()).toEqual([200, 404]);
    expect(await bullQueue(`${SERVICE}-critical`).getWaitingCount()).toBe(1);
  });

  it('adds the job anew when BullMQ no longer has it, with the recorded retry policy', async () => {
    const r = record({
      queue: 'default',
      jobId: '404',
      jobName: 'rewards.expire',
      data: { walletId: 'w-9' },
      minutesAgo: 3,
      attempts: 5,
      backoffMs: 2000,
    });
    await write(HASH, r);
    const res = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'default',
      key: r.id,
    });
    expect(res.status).toBe(200);
    const waiting = await bullQueue(`${SERVICE}-default`).getJobs(['wait']);
    expect(waiting).toHaveLength(1);
    expect(waiting[0].name).toBe('rewards.expire');
    expect(waiting[0].data).toEqual({ walletId: 'w-9' });
    expect(waiting[0].opts.attempts).toBe(5);
    expect(waiting[0].opts.backoff).toEqual({
      type: 'exponential',
      delay: 2000,
    });
    expect(await redis.hexists(HASH, r.id)).toBe(0);
  });

  it('uses attempts 1 and no backoff for records written before the policy was kept', async () => {
    const r = record({ queue: 'low', jobId: '500', minutesAgo: 3 });
    await write(HASH, r);
    const res = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'low',
      key: r.id,
    });
    expect(res.status).toBe(200);
    const [job] = await bullQueue(`${SERVICE}-low`).getJobs(['wait']);
    expect(job.opts.attempts).toBe(1);
  });

  it('discards with a reason, then 404; never reaches another service’s dead letters', async () => {
    const r = record({ queue: 'critical', jobId: '3', minutesAgo: 2 });
    await write(HASH, r);
    const noReason = await post('/dead-letters/discard', {
      entityRef: REF,
      queue: 'critical',
      key: r.id,
    });
    expect(noReason.status).toBe(400);
    expect(await redis.hexists(HASH, r.id)).toBe(1);

    const body = {
      entityRef: REF,
      queue: 'critical',
      key: r.id,
      reason: 'order was refunded by hand',
    };
    // From the other service's page, this dead letter does not exist.
    const elsewhere = await post('/dead-letters/discard', {
      ...body,
      entityRef: OTHER_REF,
    });
    expect(elsewhere.status).toBe(404);
    expect(await redis.hexists(HASH, r.id)).toBe(1);

    const first = await post('/dead-letters/discard', body);
    expect(first.status).toBe(200);
    expect(first.body.discarded).toMatchObject({ key: r.id, messageId: '3' });
    expect(await redis.hexists(HASH, r.id)).toBe(0);
    expect((await post('/dead-letters/discard', body)).status).toBe(404);

    const actions = await request(backend.server)
      .get(`/api/dlq/actions?entityRef=${encodeURIComponent(REF)}`)
      .set('Authorization', as(ONCALL));
    // The newest row (earlier tests' replays are older).
    expect(actions.body.items.slice(0, 1)).toEqual([
      expect.objectContaining({
        action: 'discard',
        entityRef: REF,
        key: r.id,
        messageId: '3',
        actor: 'rewards.grant',
        reason: 'order was refunded by hand',
        by: ONCALL,
      }),
    ]);
    const otherActions = await request(backend.server)
      .get(`/api/dlq/actions?entityRef=${encodeURIComponent(OTHER_REF)}`)
      .set('Authorization', as(ONCALL));
    expect(otherActions.body.items).toEqual([]);
  });

  it('rejects a queue that is not one of the four, or a key of another queue', async () => {
    const r = record({ queue: 'high', jobId: '8', minutesAgo: 2 });
    await write(HASH, r);
    const scheduled = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'scheduled',
      key: 'scheduled/8',
    });
    expect(scheduled.status).toBe(400);
    const mismatch = await post('/dead-letters/replay', {
      entityRef: REF,
      queue: 'low',
      key: r.id,
    });
    expect(mismatch.status).toBe(400);
    expect(await redis.hexists(HASH, r.id)).toBe(1);
  });

  it('refuses a replay without dlq.message.replay, and changes nothing', async () => {
    const jobId = await failedJob('default', { orderId: 'o-5' });
    const r = record({ queue: 'default', jobId, minutesAgo: 1, attempts: 1 });
    await write(HASH, r);
    const res = await post(
      '/dead-letters/replay',
      { entityRef: REF, queue: 'default', key: r.id },
      DEVELOPER,
    );
    expect(res.status).toBe(403);
    expect(await redis.hexists(HASH, r.id)).toBe(1);
    const job = await Job.fromId(bullQueue(`${SERVICE}-default`), jobId);
    expect(await job!.getState()).toBe('failed');
  });

  it("counts the service's own waiting, active and delayed jobs, as BullMQ keeps them", async () => {
    const high = bullQueue(`${SERVICE}-high`);
    const first = await high.add('rewards.grant', { orderId: 'o-1' });
    await high.add('rewards.grant', { orderId: 'o-2' });
    await high.add('rewards.grant', { orderId: 'o-3' }, { priority: 5 });
    await high.add('rewards.grant', { orderId: 'o-4' }, { delay: 600_000 });
    // One taken by a worker that is still at it.
    const low = bullQueue(`${SERVICE}-low`);
    await low.add('rewards.expire', { orderId: 'o-5' });
    const workerConnection = new Redis(redisUrl!, {
      maxRetriesPerRequest: null,
    });
    let release = () => {};
    const running = new Promise<void>(r => {
      release = r;
    });
    let started = () => {};
    const isStarted = new Promise<void>(r => {
      started = r;
    });
    const worker = new Worker(
      `${SERVICE}-low`,
      async () => {
        started();
        await running;
      },
      { connection: workerConnection, prefix: 'bull' },
    );
    try {
      await isStarted;
      const res = await request(backend.server)
        .get(`/api/dlq/backlog?entityRef=${encodeURIComponent(REF)}`)
        .set('Authorization', as(DEVELOPER));
      expect(res.status).toBe(200);
      const body = res.body as QueueBacklogList;
      expect(body.scope).toBe('service');
      expect(body.queues).toEqual([
        { queue: 'critical', waiting: 0, inFlight: 0, delayed: 0 },
        {
          queue: 'high',
          waiting: 3,
          inFlight: 0,
          delayed: 1,
          oldestWaitingAt: new Date(first.timestamp).toISOString(),
        },
        { queue: 'default', waiting: 0, inFlight: 0, delayed: 0 },
        { queue: 'low', waiting: 0, inFlight: 1, delayed: 0 },
      ]);
      // Another service's queues are its own.
      const other = await request(backend.server)
        .get(`/api/dlq/backlog?entityRef=${encodeURIComponent(OTHER_REF)}`)
        .set('Authorization', as(DEVELOPER));
      expect(
        (other.body as QueueBacklogList).queues.every(
          q => q.waiting + q.inFlight + q.delayed === 0,
        ),
      ).toBe(true);
    } finally {
      release();
      await worker.close();
      workerConnection.disconnect();
    }
  });

  it('pages with a cursor, newest first, and filters by queue, error and age, keeping only the page', async () => {
    const fields: Record<string, string> = {};
    // One clock for all: j2 and j3 must share their millisecond.
    const now = Date.now();
    const add = (queue: string, jobId: string, minutesAgo: number) => {
      const r = {
        ...record({ queue, jobId, minutesAgo }),
        deadLetteredAt: new Date(now - minutesAgo * MINUTE).toISOString(),
      };
      fields[r.id] = JSON.stringify(
        jobId === 'j-timeout'
          ? { ...r, stacktrace: ['TimeoutError: ledger took 5 s'] }
          : r,
      );
    };
    add('high', 'j1', 1);
    add('critical', 'j2', 3);
    add('high', 'j3', 3); // same millisecond as j2: critical first
    add('low', 'j4', 10);
    add('default', 'j-timeout', 20);
    add('high', 'j6', 30);
    add('critical', 'j7', 90);
    await redis.hset(HASH, fields);
    const page = async (query: string) => {
      const res = await request(backend.server)
        .get(
          `/api/dlq/dead-letters?entityRef=${encodeURIComponent(REF)}${query}`,
        )
        .set('Authorization', as(ONCALL));
      expect(res.status).toBe(200);
      return res.body as DeadLetterList;
    };
    const whole = (await page('&limit=100')).items.map(i => i.key);
    expect(whole).toEqual([
      'high/j1',
      'critical/j2',
      'high/j3',
      'low/j4',
      'default/j-timeout',
      'high/j6',
      'critical/j7',
    ]);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const body = await page(`&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.total).toBe(7);
      paged.push(...body.items.map(i => i.key));
      cursor = body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect((await page('&queue=high')).items.map(i => i.key)).toEqual([
      'high/j1',
      'high/j3',
      'high/j6',
    ]);
    const timeouts = await page('&errorType=TimeoutError');
    expect(timeouts.items.map(i => i.key)).toEqual(['default/j-timeout']);
    expect(timeouts.total).toBe(1);
    expect(
      (await page('&minAgeMinutes=5&maxAgeMinutes=60')).items.map(i => i.key),
    ).toEqual(['low/j4', 'default/j-timeout', 'high/j6']);
  });
});

describeWithRedis('a BullMQ replay whose answer is lost', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const service = `${SERVICE}-lost`;
  let redis: Redis;
  let proxy: CuttingProxy;
  let backend: TestBackend;

  beforeAll(async () => {
    redis = new Redis(redisUrl!, { maxRetriesPerRequest: null });
    const target = new URL(redisUrl!);
    proxy = new CuttingProxy({
      host: target.hostname,
      port: Number(target.port),
    });
    await proxy.start();
    backend = await startTestBackend({
      features: [
        dlqPlugin,
        mockServices.rootConfig.factory({
          data: { deadLetters: { redis: { url: proxy.url } } },
        }),
        catalogServiceMock.factory({ entities: [entity(service)] }),
        mockServices.database.factory({
          knex: await databases.init('SQLITE_3'),
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await proxy?.close();
    await deleteKeys(redis, `${service}*`);
    await deleteKeys(redis, `bull:${service}-*`);
    redis.disconnect();
  });

  it('adds the job once under its replay id, and does not put the record back', async () => {
    const r = record({ queue: 'high', jobId: 'gone-1', minutesAgo: 5 });
    await redis.hset(`${service}:dead-letter`, r.id, JSON.stringify(r));
    // BullMQ adds the job; the answer is lost with the connection.
    proxy.arm('gone-1-replay-');
    const res = await request(backend.server)
      .post('/api/dlq/dead-letters/replay')
      .set('Authorization', mockCredentials.user.header())
      .send({
        entityRef: `component:default/${service}`,
        queue: 'high',
        key: r.id,
      });
    expect(proxy.cuts).toBe(1);
    expect(res.status).toBe(200);
    const queue = new Queue(`${service}-high`, {
      connection: redis,
      prefix: 'bull',
    });
    try {
      const jobs = await queue.getJobs(['wait', 'active', 'delayed']);
      expect(jobs.map(j => j.id)).toEqual([
        `gone-1-replay-${Date.parse(r.deadLetteredAt)}`,
      ]);
    } finally {
      await queue.close();
    }
    expect(await redis.hexists(`${service}:dead-letter`, r.id)).toBe(0);
  });
});
