/**
 * The dead-letter plugin against real Dramatiq: actors that fail for real
 * (plugins/dlq-backend/dramatiq/localplus_actors.py), retried and
 * dead-lettered by a Dramatiq worker on the test Redis (its own database),
 * then listed, replayed and discarded through the plugin's API.
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
import {
  DeadLetter,
  DeadLetterList,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import { waitFor } from '@internal/test-services';
import Redis from 'ioredis';
import request from 'supertest';
import { deleteNamespace, uniqueNamespace } from './__testUtils__/dramatiq';
import {
  describeWithDramatiq,
  DramatiqEnv,
  dramatiqMaintenance,
  dramatiqNackDelayed,
  dramatiqRedisUrl,
  dramatiqSend,
  DramatiqWorker,
} from './__testUtils__/realDramatiq';
import dlqPlugin from './index';
import { DramatiqDeadLetters } from './services/DramatiqDeadLetters';
import { ValkeyConnection } from './services/ValkeyConnection';

jest.setTimeout(60_000);

const WEEK = 7 * 24 * 3600 * 1000;
const ONCALL = 'user:default/on-call';
const LEDGER = 'component:default/svc-ledger';
const WALLET = 'component:default/svc-wallet';
const NOTIFICATION = 'component:default/svc-notification';
const MERCHANT = 'component:default/svc-merchant';
const PLATFORM = 'resource:default/dramatiq-dead-letter';

const entity = (kind: string, name: string, annotation: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': annotation },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
});

const iso = (ms: number) => new Date(ms).toISOString();
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

type Attempt = {
  actor: string;
  message_id: string;
  redis_message_id: string;
  queue_name: string;
  retries: number;
  ok: boolean;
  error: string | null;
  args: unknown[];
  kwargs: Record<string, unknown>;
};

/** The plugin on a test backend, reading Dramatiq's keys of `namespace`. */
async function startPortal(
  databases: TestDatabases,
  namespace: string,
  deadMessageTtlMs?: number,
) {
  const knex = await databases.init('SQLITE_3');
  const backend: TestBackend = await startTestBackend({
    features: [
      dlqPlugin,
      mockServices.rootConfig.factory({
        data: {
          deadLetters: {
            redis: { url: dramatiqRedisUrl() },
            dramatiq: { namespace, deadMessageTtlMs },
          },
        },
      }),
      catalogServiceMock.factory({
        entities: [
          entity('Component', 'svc-ledger', 'dramatiq:ledger.'),
          entity('Component', 'svc-wallet', 'dramatiq:wallet.'),
          entity('Component', 'svc-notification', 'dramatiq:notification.'),
          entity('Component', 'svc-merchant', 'dramatiq:merchant.'),
          entity('Resource', 'dramatiq-dead-letter', 'dramatiq:*'),
        ],
      }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      }).factory,
      mockServices.database.factory({ knex }),
    ],
  });
  const auth = mockCredentials.user.header(ONCALL);
  const list = async (entityRef: string): Promise<DeadLetterList> => {
    const res = await request(backend.server)
      .get(
        `/api/dlq/dead-letters?entityRef=${encodeURIComponent(
          entityRef,
        )}&limit=1000`,
      )
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const post = (action: 'replay' | 'discard', body: object) =>
    request(backend.server)
      .post(`/api/dlq/dead-letters/${action}`)
      .set('Authorization', auth)
      .send(body);
  const find = async (entityRef: string, messageId: string) =>
    (await list(entityRef)).items.find(i => i.messageId === messageId);
  /** Waits until the task is a dead letter of the entity. */
  const deadLetterOf = (
    entityRef: string,
    messageId: string,
    worker?: DramatiqWorker,
  ): Promise<DeadLetter> =>
    waitFor(
      () => find(entityRef, messageId),
      `message ${messageId} is a dead letter of ${entityRef}${
        worker ? `\nworker:\n${worker.log}` : ''
      }`,
    );
  const backlog = async (entityRef: string): Promise<QueueBacklogList> => {
    const res = await request(backend.server)
      .get(`/api/dlq/backlog?entityRef=${encodeURIComponent(entityRef)}`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  return { backend, list, post, find, deadLetterOf, backlog };
}

/** Every member, field and value of a key, as text. */
async function contentOf(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'hash':
      return [...(await redis.hkeys(key)), ...(await redis.hvals(key))].join(
        '\n',
      );
    case 'zset':
      return (await redis.zrange(key, 0, -1)).join('\n');
    case 'list':
      return (await redis.lrange(key, 0, -1)).join('\n');
    case 'set':
      return (await redis.smembers(key)).join('\n');
    default:
      return String(await redis.get(key));
  }
}

/** The test's controls of localplus_actors.py and its record of attempts. */
function controls(redis: Redis, namespace: string) {
  return {
    down: (dependency: string) =>
      redis.hset(`${namespace}:localplus:down`, dependency, 'down for a test'),
    up: (dependency: string) =>
      redis.hdel(`${namespace}:localplus:down`, dependency),
    attempts: async (messageId: string): Promise<Attempt[]> =>
      (await redis.lrange(`${namespace}:localplus:attempts`, 0, -1))
        .map(a => JSON.parse(a) as Attempt)
        .filter(a => a.message_id === messageId),
    stored: async (queue: string, key: string) => {
      const raw = await redis.hget(`${namespace}:${queue}.XQ.msgs`, key);
      return raw === null ? null : JSON.parse(raw);
    },
    score: async (queue: string, key: string) =>
      Number(await redis.zscore(`${namespace}:${queue}.XQ`, key)),
  };
}

describeWithDramatiq(
  'the dead-letter plugin with a real Dramatiq worker',
  () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    const namespace = uniqueNamespace();
    // Two retries (three attempts) and a short backoff: dead within a second.
    const env: DramatiqEnv = {
      redisUrl: dramatiqRedisUrl(),
      namespace,
      maxRetries: 2,
    };
    const worker = new DramatiqWorker(env);
    let redis: Redis;
    let portal: Awaited<ReturnType<typeof startPortal>>;
    let c: ReturnType<typeof controls>;

    beforeAll(async () => {
      redis = new Redis(dramatiqRedisUrl());
      c = controls(redis, namespace);
      portal = await startPortal(databases, namespace);
      await worker.start();
    }, 60_000);

    afterAll(async () => {
      await worker.stop();
      await portal?.backend.stop();
      if (redis) {
        await deleteNamespace(redis, namespace);
        redis.disconnect();
      }
    });

    it('lists a dead letter exactly as Dramatiq wrote it', async () => {
      await c.down('ledger-db');
      const [sent] = dramatiqSend(env, [
        {
          actor: 'ledger.rollback_transaction',
          args: ['5b0c2a4e-8f1d-4a43-9a57-2f0f4c7f1a10'],
          kwargs: { reason: 'burn_failed' },
        },
      ]);
      const item = await portal.deadLetterOf(LEDGER, sent.message_id, worker);

      // What Dramatiq wrote: the message as last enqueued (its retries and
      // the traceback of the last attempt that was retried), scored by the
      // time it was dead-lettered.
      const stored = await c.stored('critical', item.key);
      const score = await c.score('critical', item.key);
      expect(stored).toMatchObject({
        queue_name: 'critical',
        actor_name: 'ledger.rollback_transaction',
        args: ['5b0c2a4e-8f1d-4a43-9a57-2f0f4c7f1a10'],
        kwargs: { reason: 'burn_failed' },
        message_id: sent.message_id,
        message_timestamp: sent.message_timestamp,
        options: { redis_message_id: item.key, retries: 2 },
      });
      expect(stored.options.traceback).toMatch(
        /^Traceback \(most recent call last\):/,
      );
      expect(stored.options.traceback).toContain('ConnectionRefusedError');
      expect(stored.options.traceback).toContain(
        'localplus_actors.DatabaseUnavailable: connection to ledger-db',
      );
      const attempts = await c.attempts(sent.message_id);
      expect(attempts.map(a => [a.retries, a.ok])).toEqual([
        [0, false],
        [1, false],
        [2, false],
      ]);

      // … is what the portal shows.
      expect(item).toEqual({
        queue: 'critical',
        key: stored.options.redis_message_id,
        messageId: sent.message_id,
        actor: 'ledger.rollback_transaction',
        args: ['5b0c2a4e-8f1d-4a43-9a57-2f0f4c7f1a10'],
        kwargs: { reason: 'burn_failed' },
        retries: 2,
        // As many as the worker made (logged above).
        attempts: attempts.length,
        traceback: stored.options.traceback,
        enqueuedAt: iso(sent.message_timestamp),
        deadLetteredAt: iso(score),
        expiresAt: iso(score + WEEK),
        links: [],
      });
      expect(Math.abs(score - Date.now())).toBeLessThan(10_000);

      // On the service's page and the platform's, not on another service's.
      const ledger = await portal.list(LEDGER);
      expect(ledger.queues.find(q => q.queue === 'critical')?.depth).toBe(1);
      expect(await portal.find(PLATFORM, sent.message_id)).toEqual(item);
      expect(await portal.find(WALLET, sent.message_id)).toBeUndefined();

      expect(
        (
          await portal.post('discard', {
            entityRef: LEDGER,
            queue: 'critical',
            key: item.key,
            reason: 'test clean-up, nothing to redo',
          })
        ).status,
      ).toBe(200);
    });

    it('shows what Dramatiq keeps of a task no worker knows: no retries, no traceback', async () => {
      // A producer ahead of the workers (an actor renamed or not deployed yet).
      const [sent] = dramatiqSend(env, [
        { actor: 'ledger.settle_batch', queue: 'critical', args: ['batch-7'] },
      ]);
      const item = await portal.deadLetterOf(LEDGER, sent.message_id, worker);
      const stored = await c.stored('critical', item.key);
      expect(stored.options).toEqual({ redis_message_id: item.key });
      expect(item).toMatchObject({
        actor: 'ledger.settle_batch',
        args: ['batch-7'],
        kwargs: {},
      });
      expect(item.retries).toBeUndefined();
      expect(item.traceback).toBeUndefined();
      expect(item.unreadable).toBeUndefined();
      expect(worker.log).toContain(
        "Received message for undefined actor 'ledger.settle_batch'",
      );
      const res = await portal.post('discard', {
        entityRef: LEDGER,
        queue: 'critical',
        key: item.key,
        reason: 'ledger.settle_batch was never deployed',
      });
      expect(res.status).toBe(200);
    });

    it('replays onto the queue the worker reads: retries reset, it runs once fixed and is acknowledged', async () => {
      await c.down('kafka');
      // The card the alert is about travels with it: masked on the page,
      // whole for the worker.
      const [sent] = dramatiqSend(env, [
        {
          actor: 'ledger.raise_fraud_alert',
          args: ['card 4111 1111 1111 1111'],
          kwargs: { score: 0.97 },
        },
      ]);
      const first = await portal.deadLetterOf(LEDGER, sent.message_id, worker);
      expect(first.traceback).toContain('KafkaTimeoutError');
      expect(first.args).toEqual(['card 411111******1111']);

      // Replayed while Kafka is still down: its retries start again from 0,
      // so it goes through all its attempts before it is dead again.
      let res = await portal.post('replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: first.key,
      });
      expect(res.status).toBe(200);
      expect(res.body.replayed.messageId).toBe(sent.message_id);
      const second = await waitFor(async () => {
        const item = await portal.find(LEDGER, sent.message_id);
        return item && item.key !== first.key ? item : undefined;
      }, `the replayed task is dead again\n${worker.log}`);
      expect((await c.attempts(sent.message_id)).map(a => a.retries)).toEqual([
        0, 1, 2, 0, 1, 2,
      ]);
      expect(second.retries).toBe(2);

      // Fixed, then replayed: the worker runs it once, with the same message
      // and message id, and acknowledges it.
      await c.up('kafka');
      res = await portal.post('replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: second.key,
      });
      expect(res.status).toBe(200);
      const ok = await waitFor(
        async () => (await c.attempts(sent.message_id)).find(a => a.ok),
        `the replayed task runs\n${worker.log}`,
      );
      expect(ok).toMatchObject({
        actor: 'ledger.raise_fraud_alert',
        queue_name: 'critical',
        retries: 0,
        args: ['card 4111 1111 1111 1111'],
        kwargs: { score: 0.97 },
      });
      await waitFor(
        async () =>
          (await redis.hexists(
            `${namespace}:critical.msgs`,
            ok.redis_message_id,
          )) === 0,
        'the worker acknowledges it',
      );
      expect(await redis.lrange(`${namespace}:critical`, 0, -1)).toEqual([]);
      expect(await portal.find(LEDGER, sent.message_id)).toBeUndefined();
      expect(
        (await c.attempts(sent.message_id)).filter(a => a.ok),
      ).toHaveLength(1);
    });

    it('a discarded dead letter never runs, a replayed one beside it does', async () => {
      await c.down('sms-provider');
      const [discarded, replayed] = dramatiqSend(env, [
        { actor: 'notification.send_sms_confirmation', args: ['s-discard'] },
        { actor: 'notification.send_sms_confirmation', args: ['s-replay'] },
      ]);
      const a = await portal.deadLetterOf(
        NOTIFICATION,
        discarded.message_id,
        worker,
      );
      const b = await portal.deadLetterOf(
        NOTIFICATION,
        replayed.message_id,
        worker,
      );
      expect(a.queue).toBe('default');
      await c.up('sms-provider');

      const res = await portal.post('discard', {
        entityRef: NOTIFICATION,
        queue: 'default',
        key: a.key,
        reason: 'the customer confirmed by e-mail instead',
      });
      expect(res.status).toBe(200);
      expect(
        (
          await portal.post('replay', {
            entityRef: NOTIFICATION,
            queue: 'default',
            key: b.key,
          })
        ).status,
      ).toBe(200);
      await waitFor(
        async () =>
          (await c.attempts(replayed.message_id)).some(attempt => attempt.ok),
        `the replayed task runs\n${worker.log}`,
      );
      await sleep(300);

      // Three failed attempts before it was discarded, none after.
      expect((await c.attempts(discarded.message_id)).map(x => x.ok)).toEqual([
        false,
        false,
        false,
      ]);
      // Nothing of it is left in any of Dramatiq's keys.
      for (const key of await redis.keys(`${namespace}:*`)) {
        if (key.startsWith(`${namespace}:localplus:`)) continue;
        const content = await contentOf(redis, key);
        expect(`${key}: ${content}`).not.toContain(discarded.message_id);
        expect(`${key}: ${content}`).not.toContain(a.key);
      }
      expect(
        await portal.find(NOTIFICATION, discarded.message_id),
      ).toBeUndefined();
    });

    it('a delayed task waits on <queue>.DQ, not among the dead letters, and dies under its own queue', async () => {
      await c.down('email-provider');
      const [sent] = dramatiqSend(env, [
        {
          actor: 'notification.send_email_confirmation',
          args: ['e-delayed'],
          delayMs: 1500,
        },
      ]);
      expect(sent.queue_name).toBe('high.DQ');
      const eta = sent.options.eta as number;
      expect(eta).toBeGreaterThan(Date.now());
      expect(
        await redis.hexists(
          `${namespace}:high.DQ.msgs`,
          sent.options.redis_message_id,
        ),
      ).toBe(1);
      expect(await portal.find(NOTIFICATION, sent.message_id)).toBeUndefined();

      const item = await portal.deadLetterOf(
        NOTIFICATION,
        sent.message_id,
        worker,
      );
      expect(item.queue).toBe('high');
      expect(Date.parse(item.deadLetteredAt)).toBeGreaterThanOrEqual(eta);
      // Dramatiq never keeps a <queue>.DQ.XQ: its retries went through
      // high.DQ and back to high, and it died there.
      expect(await redis.exists(`${namespace}:high.DQ.XQ`)).toBe(0);
      const stored = await c.stored('high', item.key);
      expect(stored.queue_name).toBe('high');
      expect(stored.options.eta).toBeUndefined();
      await c.up('email-provider');
      const res = await portal.post('discard', {
        entityRef: NOTIFICATION,
        queue: 'high',
        key: item.key,
        reason: 'test clean-up, nothing to redo',
      });
      expect(res.status).toBe(200);
    });
  },
);

describeWithDramatiq(
  'dead letters of the delay queue, and dead_message_ttl',
  () => {
    const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
    const namespace = uniqueNamespace();
    const TTL = 3000;
    const env: DramatiqEnv = {
      redisUrl: dramatiqRedisUrl(),
      namespace,
      maxRetries: 0,
      deadMessageTtlMs: TTL,
    };
    const workers: DramatiqWorker[] = [];
    const startWorker = async (overrides: Partial<DramatiqEnv> = {}) => {
      const worker = new DramatiqWorker({ ...env, ...overrides });
      workers.push(worker);
      await worker.start();
      return worker;
    };
    let redis: Redis;
    let portal: Awaited<ReturnType<typeof startPortal>>;
    let c: ReturnType<typeof controls>;

    beforeAll(async () => {
      redis = new Redis(dramatiqRedisUrl());
      c = controls(redis, namespace);
      portal = await startPortal(databases, namespace, TTL);
    });

    afterEach(async () => {
      for (const worker of workers.splice(0)) await worker.stop();
    });

    afterAll(async () => {
      await portal?.backend.stop();
      if (redis) {
        await deleteNamespace(redis, namespace);
        redis.disconnect();
      }
    });

    it('replays a dead letter of critical.DQ onto critical, to run now', async () => {
      // Delayed by an hour, then rejected off critical.DQ by Dramatiq's own
      // consumer, as a worker does when a delayed message fails.
      const [sent] = dramatiqSend(env, [
        {
          actor: 'ledger.raise_fraud_alert',
          args: ['d-1'],
          kwargs: { score: 0.5 },
          delayMs: 3_600_000,
        },
      ]);
      const nacked = dramatiqNackDelayed(env, 'critical', sent.message_id);
      expect(nacked.queue_name).toBe('critical.DQ');

      // Dramatiq files it under critical.XQ, with its queue_name and eta.
      expect(await redis.exists(`${namespace}:critical.DQ.XQ`)).toBe(0);
      const item = await portal.deadLetterOf(LEDGER, sent.message_id);
      expect(item.queue).toBe('critical');
      const stored = await c.stored('critical', item.key);
      expect(stored.queue_name).toBe('critical.DQ');
      expect(stored.options.eta).toBe(sent.options.eta);

      const res = await portal.post('replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: item.key,
      });
      expect(res.status).toBe(200);
      const [queued] = await redis.lrange(`${namespace}:critical`, 0, -1);
      const message = JSON.parse(
        (await redis.hget(`${namespace}:critical.msgs`, queued))!,
      );
      expect(message).toMatchObject({
        queue_name: 'critical',
        message_id: sent.message_id,
        options: { redis_message_id: queued, retries: 0 },
      });
      expect(message.options.eta).toBeUndefined();

      // A worker runs it at once, not in an hour.
      const worker = await startWorker();
      const ok = await waitFor(
        async () => (await c.attempts(sent.message_id)).find(a => a.ok),
        `the replayed task runs\n${worker.log}`,
        { timeoutMs: 10_000 },
      );
      expect(ok.queue_name).toBe('critical');
      expect(await redis.llen(`${namespace}:critical.DQ`)).toBe(0);
    });

    it("keeps an expired dead letter listed until Dramatiq's maintenance purges it, never before expiresAt", async () => {
      await c.down('merchant-db');
      // A worker whose maintenance never runs: Dramatiq keeps what expired.
      let worker = await startWorker({ maintenanceChance: 0 });
      const [old] = dramatiqSend(env, [
        {
          actor: 'merchant.export_settlement_report',
          args: ['m-1'],
          kwargs: { period: '2026-11' },
        },
      ]);
      const oldItem = await portal.deadLetterOf(
        MERCHANT,
        old.message_id,
        worker,
      );
      const oldScore = await c.score('low', oldItem.key);
      expect(oldItem.expiresAt).toBe(iso(oldScore + TTL));
      await sleep(oldScore + TTL + 300 - Date.now());
      const expired = await portal.find(MERCHANT, old.message_id);
      expect(expired?.key).toBe(oldItem.key);
      expect(Date.parse(expired!.expiresAt!)).toBeLessThan(Date.now());

      // Replayed while Dramatiq's maintenance purges it: a 404 that says so.
      const connection = new ValkeyConnection({
        url: dramatiqRedisUrl(),
        connectTimeoutMs: 2000,
        commandTimeoutMs: 2000,
        logger: mockServices.rootLogger({ level: 'error' }),
      });
      try {
        const store = new DramatiqDeadLetters({
          connection,
          namespace,
          queues: ['critical', 'high', 'default', 'low', 'scheduled'],
          deadMessageTtlMs: TTL,
          links: [],
          scanBudget: 20_000,
          countBudget: 100_000,
        });
        await expect(
          store.replay(
            { broker: 'dramatiq', actorPrefix: 'merchant.' },
            'low',
            oldItem.key,
            async () => dramatiqMaintenance(env, 'low'),
          ),
        ).rejects.toThrow(
          `No dead letter ${oldItem.key} on queue low: it expired at ${oldItem.expiresAt} by its dead_message_ttl (3 s) and Dramatiq deleted it, or it was replayed or discarded`,
        );
      } finally {
        connection.close();
      }
      expect(await portal.find(MERCHANT, old.message_id)).toBeUndefined();
      expect(await redis.llen(`${namespace}:low`)).toBe(0);
      await worker.stop();

      // Maintenance on every command (Dramatiq runs it on 0.1 % of them).
      worker = await startWorker({ maintenanceChance: 1_000_000 });
      const [fresh] = dramatiqSend(env, [
        {
          actor: 'merchant.export_settlement_report',
          args: ['m-2'],
          kwargs: { period: '2026-12' },
        },
      ]);
      const freshItem = await portal.deadLetterOf(
        MERCHANT,
        fresh.message_id,
        worker,
      );
      // Purged by Dramatiq, but not before the portal said it would be.
      const goneAt = await waitFor(
        async () =>
          !(await portal.find(MERCHANT, fresh.message_id)) && Date.now(),
        'Dramatiq purges the fresh dead letter',
        { timeoutMs: TTL + 5000 },
      );
      const expiresAt = Date.parse(freshItem.expiresAt!);
      expect(goneAt).toBeGreaterThanOrEqual(expiresAt);
      expect(goneAt).toBeLessThan(expiresAt + 2000);
      expect(
        await redis.hexists(`${namespace}:low.XQ.msgs`, freshItem.key),
      ).toBe(0);

      // Acting on what Dramatiq purged: a 404 that says why it may be gone.
      // (The portal cannot tell a purge from a replay once the entry is gone.)
      const res = await portal.post('replay', {
        entityRef: MERCHANT,
        queue: 'low',
        key: oldItem.key,
      });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toContain('dead_message_ttl');
    });
  },
);

describeWithDramatiq('queue backlog, as real Dramatiq leaves it', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const namespace = uniqueNamespace();
  const env: DramatiqEnv = {
    redisUrl: dramatiqRedisUrl(),
    namespace,
    maxRetries: 2,
  };
  const worker = new DramatiqWorker(env);
  let redis: Redis;
  let portal: Awaited<ReturnType<typeof startPortal>>;
  const stalled = `${namespace}:localplus:stalled`;

  beforeAll(async () => {
    redis = new Redis(dramatiqRedisUrl());
    portal = await startPortal(databases, namespace);
  });

  afterAll(async () => {
    await redis?.hdel(stalled, 'merchant-db');
    await worker.stop();
    await portal?.backend.stop();
    if (redis) {
      await deleteNamespace(redis, namespace);
      redis.disconnect();
    }
  });

  it('counts waiting, in-flight and delayed tasks, and dates the oldest waiting one', async () => {
    const report = {
      actor: 'merchant.export_settlement_report',
      args: ['m-1', '2026-11'],
    };
    // No worker yet: three tasks wait, a fourth waits for its delay.
    const sent = dramatiqSend(env, [
      report,
      report,
      report,
      { ...report, delayMs: 600_000 },
    ]);
    const low = async () =>
      (await portal.backlog(MERCHANT)).queues.find(q => q.queue === 'low')!;
    const before = await portal.backlog(MERCHANT);
    expect(before.scope).toBe('queue');
    expect(before.queues.map(q => q.queue)).toEqual([
      'critical',
      'high',
      'default',
      'low',
      'scheduled',
    ]);
    expect(await low()).toEqual({
      queue: 'low',
      waiting: 3,
      inFlight: 0,
      delayed: 1,
      oldestWaitingAt: iso(sent[0].message_timestamp),
    });

    // A worker takes them while the merchant database hangs: in flight. It
    // holds the delayed one (fetched from low.DQ) until its time: delayed.
    await redis.hset(stalled, 'merchant-db', 'a lock wait');
    await worker.start();
    const busy = await waitFor(async () => {
      const q = await low();
      return q.inFlight === 3 && q;
    }, `three tasks in flight\n${worker.log}`);
    expect(busy).toEqual({ queue: 'low', waiting: 0, inFlight: 3, delayed: 1 });

    // The database answers: done, acknowledged, nothing left but the delayed.
    await redis.hdel(stalled, 'merchant-db');
    expect(
      await waitFor(async () => {
        const q = await low();
        return q.inFlight === 0 && q;
      }, `the tasks are done\n${worker.log}`),
    ).toEqual({ queue: 'low', waiting: 0, inFlight: 0, delayed: 1 });
  });
});
