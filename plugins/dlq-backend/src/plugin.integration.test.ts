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
  DeadLetterAction,
  DeadLetterList,
  QueueBacklogList,
} from '@internal/plugin-dlq-common';
import Redis from 'ioredis';
import { Knex } from 'knex';
import request from 'supertest';
import {
  deleteNamespace,
  describeWithRedis,
  dramatiqEnqueue,
  dramatiqMessage,
  DramatiqMessageJson,
  dramatiqNack,
  redisUrl,
  uniqueNamespace,
} from './__testUtils__/dramatiq';
import dlqPlugin from './index';
import { decodeCursor } from './services/DeadLetterStore';
import { DramatiqDeadLetters } from './services/DramatiqDeadLetters';
import { ValkeyConnection } from './services/ValkeyConnection';

jest.setTimeout(30_000);

const entity = (kind: string, name: string, annotation?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: {
    name,
    namespace: 'default',
    annotations: annotation ? { 'local-plus.io/dead-letters': annotation } : {},
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
});

const ENTITIES = [
  entity('Component', 'svc-ledger', 'dramatiq:ledger.'),
  entity('Component', 'svc-wallet', 'dramatiq:wallet.'),
  entity('Resource', 'dramatiq-dead-letter', 'dramatiq:*'),
  entity('Component', 'svc-merchant'),
  entity('Component', 'svc-typo', 'ledger'),
];
const LEDGER = 'component:default/svc-ledger';
const WALLET = 'component:default/svc-wallet';
const PLATFORM = 'resource:default/dramatiq-dead-letter';

// Who may do what, as the role policy grants it: on-call every service's
// payloads and actions, a developer the payloads of the services their team
// owns (svc-ledger here), a compliance reviewer counts only, a platform
// admin everything (unmasked reads too), strangers nothing.
const ONCALL = 'user:default/julien.lefevre';
const DEVELOPER = 'user:default/dev';
const REVIEWER = 'user:default/auditor';
const ADMIN = 'user:default/ada';
const STRANGER = 'user:default/stranger';
const GRANTS: Record<string, string[]> = {
  [ONCALL]: [
    'dlq.backlog.read',
    'dlq.message.read',
    'dlq.platform.read',
    'dlq.message.replay',
    'dlq.message.discard',
  ],
  [DEVELOPER]: ['dlq.backlog.read', 'dlq.message.read@svc-ledger'],
  [REVIEWER]: ['dlq.backlog.read'],
  [ADMIN]: [
    'dlq.backlog.read',
    'dlq.message.read',
    'dlq.platform.read',
    'dlq.message.reveal',
    'dlq.message.replay',
    'dlq.message.discard',
  ],
};
/** As the permission backend answers once the catalog applied IS_ENTITY_OWNER. */
function decide(user: string, name: string, resourceRef?: string) {
  const grants = GRANTS[user] ?? [];
  const owned = resourceRef?.split('/')[1];
  return grants.includes(name) || grants.includes(`${name}@${owned}`)
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;
}

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

describeWithRedis('the dead-letter plugin against a real Redis', () => {
  // A database the test closes (the default one keeps the worker alive).
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const namespace = uniqueNamespace();
  const now = Date.now();
  let redis: Redis;
  let backend: TestBackend;
  const auditor = mockServices.auditor.mock();
  const logger = mockServices.logger.mock();
  let knex: Knex;
  let events: { success: jest.Mock; fail: jest.Mock }[] = [];
  // The fixture's dead letters, by name.
  let dl: Record<string, { id: string; message: DramatiqMessageJson }>;

  const as = (user: string) => mockCredentials.user.header(user);
  const get = (path: string, user = ONCALL) =>
    request(backend.server).get(path).set('Authorization', as(user));
  const post = (path: string, body: object, user = ONCALL) =>
    request(backend.server)
      .post(path)
      .set('Authorization', as(user))
      .send(body);
  const list = async (ref: string, query = '') => {
    const res = await get(
      `/api/dlq/dead-letters?entityRef=${encodeURIComponent(ref)}${query}`,
    );
    expect(res.status).toBe(200);
    return res.body as DeadLetterList;
  };
  const xq = (queue: string) => `${namespace}:${queue}.XQ`;

  beforeAll(async () => {
    redis = new Redis(redisUrl!);
    knex = await databases.init('SQLITE_3');
    auditor.createEvent.mockImplementation(async () => {
      const event = { success: jest.fn(), fail: jest.fn() };
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
              links: [
                {
                  title: 'Sentry',
                  urlTemplate:
                    'https://sentry.example/issues/?query=message_id%3A{messageId}',
                },
                {
                  title: 'Loki',
                  urlTemplate:
                    'https://grafana.example/explore?q={actor}&queue={queue}',
                },
              ],
            },
          },
        }),
        catalogServiceMock.factory({ entities: ENTITIES }),
        mockServices.permissions.mock({
          authorize: async (requests, options) => {
            const user = (options.credentials.principal as any).userEntityRef;
            return requests.map(r => ({
              result: decide(
                user,
                r.permission.name,
                (r as { resourceRef?: string }).resourceRef,
              ),
            }));
          },
        }).factory,
        auditor.factory,
        mockServices.database.factory({ knex }),
        logger.factory,
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
    events = [];
    auditor.createEvent.mockClear();
    const nack = async (
      name: string,
      fields: Parameters<typeof dramatiqMessage>[0],
      minutesAgo: number,
      raw?: string,
    ) => {
      const message = dramatiqMessage(fields);
      const id = await dramatiqNack(
        redis,
        namespace,
        message,
        now - minutesAgo * MINUTE,
        raw,
      );
      dl[name] = { id, message };
    };
    dl = {};
    await nack(
      'rollback1',
      {
        queue: 'critical',
        actor: 'ledger.rollback_transaction',
        args: ['5b0c2a4e'],
        kwargs: { reason: 'burn_failed' },
        retries: 5,
        enqueuedAt: now - 80 * MINUTE,
      },
      42,
    );
    await nack(
      'rollback2',
      { queue: 'critical', actor: 'ledger.rollback_transaction' },
      40,
    );
    await nack(
      'fraud',
      { queue: 'critical', actor: 'ledger.raise_fraud_alert' },
      95,
    );
    // A delayed message (queue_name ends in .DQ, options.eta) that died.
    await nack(
      'delayed',
      {
        queue: 'default.DQ',
        actor: 'ledger.reconcile_day',
        options: { eta: now - 200 * MINUTE },
      },
      120,
    );
    for (let i = 0; i < 3; i++) {
      await nack(
        `wallet${i}`,
        { queue: 'high', actor: 'wallet.publish_balance_updated' },
        10 + i,
      );
    }
    // An actor whose name merely starts like ledger's: not ledger's.
    await nack('ledgerish', { queue: 'low', actor: 'ledgerx.export' }, 5);
    // What a truncated write leaves, and JSON that is not a message.
    await nack(
      'truncated',
      { queue: 'default', actor: 'unknown' },
      300,
      '{"queue_name": "default", "actor_na',
    );
    await nack('notAMessage', { queue: 'low', actor: 'x' }, 1, '{"hi": 1}');
  });

  describe('GET /dead-letters', () => {
    it("lists a service's dead letters only, newest first, with depth per queue", async () => {
      const body = await list(LEDGER);
      expect(body.entityRef).toBe(LEDGER);
      expect(body.source).toBe('dramatiq:ledger.');
      expect(body.items.map(i => i.key)).toEqual([
        dl.rollback2.id,
        dl.rollback1.id,
        dl.fraud.id,
        dl.delayed.id,
      ]);
      expect(body.total).toBe(4);
      expect(body.limit).toBe(200);
      expect(body.queues).toEqual([
        {
          queue: 'critical',
          depth: 3,
          oldestDeadLetteredAt: new Date(now - 95 * MINUTE).toISOString(),
        },
        { queue: 'high', depth: 0 },
        {
          queue: 'default',
          depth: 1,
          oldestDeadLetteredAt: new Date(now - 120 * MINUTE).toISOString(),
        },
        { queue: 'low', depth: 0 },
        { queue: 'scheduled', depth: 0 },
      ]);
    });

    it('shows what on-call needs to decide: actor, queue, attempts, times, arguments, trace and links', async () => {
      const body = await list(LEDGER);
      const item = body.items.find(i => i.key === dl.rollback1.id)!;
      const messageId = dl.rollback1.message.message_id;
      expect(item).toEqual<DeadLetter>({
        queue: 'critical',
        key: dl.rollback1.id,
        messageId,
        actor: 'ledger.rollback_transaction',
        args: ['5b0c2a4e'],
        kwargs: { reason: 'burn_failed' },
        retries: 5,
        attempts: 6,
        traceback: expect.stringContaining('psycopg.OperationalError'),
        enqueuedAt: new Date(now - 80 * MINUTE).toISOString(),
        deadLetteredAt: new Date(now - 42 * MINUTE).toISOString(),
        expiresAt: new Date(now - 42 * MINUTE + WEEK).toISOString(),
        links: [
          {
            title: 'Sentry',
            url: `https://sentry.example/issues/?query=message_id%3A${messageId}`,
          },
          {
            title: 'Loki',
            url: 'https://grafana.example/explore?q=ledger.rollback_transaction&queue=critical',
          },
        ],
      });
      // The delayed one is listed under its canonical queue.
      expect(body.items.find(i => i.key === dl.delayed.id)!.queue).toBe(
        'default',
      );
    });

    it('keeps the newest up to the limit, and counts them all', async () => {
      const body = await list(LEDGER, '&limit=2');
      expect(body.items.map(i => i.key)).toEqual([
        dl.rollback2.id,
        dl.rollback1.id,
      ]);
      expect(body.total).toBe(4);
      expect(body.limit).toBe(2);
    });

    it('shows every dead letter on the platform view, unreadable ones included', async () => {
      // A set member whose message is gone from the hash.
      await redis.zadd(xq('scheduled'), now - 7 * MINUTE, 'orphan-1');
      const body = await list(PLATFORM);
      expect(body.total).toBe(11);
      expect(body.items).toHaveLength(11);
      expect(
        Object.fromEntries(body.queues.map(q => [q.queue, q.depth])),
      ).toEqual({ critical: 3, high: 3, default: 2, low: 2, scheduled: 1 });
      // Newest first across queues.
      const times = body.items.map(i => i.deadLetteredAt);
      expect([...times].sort().reverse()).toEqual(times);

      const byKey = new Map(body.items.map(i => [i.key, i]));
      expect(byKey.get(dl.truncated.id)).toEqual({
        queue: 'default',
        key: dl.truncated.id,
        deadLetteredAt: new Date(now - 300 * MINUTE).toISOString(),
        expiresAt: new Date(now - 300 * MINUTE + WEEK).toISOString(),
        links: [],
        unreadable: expect.stringMatching(/^not JSON \(/),
      });
      expect(byKey.get(dl.notAMessage.id)!.unreadable).toMatch(
        /^not a Dramatiq message \(queue_name: /,
      );
      expect(byKey.get('orphan-1')!.unreadable).toBe(
        `the message is missing from ${namespace}:scheduled.XQ.msgs`,
      );
      // A service never sees them.
      const wallet = await list(WALLET);
      expect(wallet.items.every(i => !i.unreadable)).toBe(true);
      expect(wallet.total).toBe(3);
    });

    it('answers 404 for an entity without the annotation or not in the catalog', async () => {
      const none = await get(
        '/api/dlq/dead-letters?entityRef=component:default/svc-merchant',
      );
      expect(none.status).toBe(404);
      expect(none.body.error.message).toBe(
        'component:default/svc-merchant has no dead-letter source (annotation local-plus.io/dead-letters)',
      );
      const missing = await get(
        '/api/dlq/dead-letters?entityRef=component:default/svc-nope',
      );
      expect(missing.status).toBe(404);
    });

    it('answers 400 with the reason for a malformed annotation or query', async () => {
      const typo = await get(
        '/api/dlq/dead-letters?entityRef=component:default/svc-typo',
      );
      expect(typo.status).toBe(400);
      expect(typo.body.error.message).toContain(
        'local-plus.io/dead-letters is "ledger"; expected dramatiq:',
      );
      for (const [query, message] of [
        ['', 'Invalid query entityRef: required'],
        [
          'entityRef=svc-ledger',
          'Invalid query entityRef: expected a full entity reference such as component:default/svc-ledger',
        ],
        [
          `entityRef=${LEDGER}&limit=0`,
          'Invalid query limit: expected a whole number from 1 to 1000',
        ],
        [
          `entityRef=${LEDGER}&limit=5000`,
          'Invalid query limit: expected a whole number from 1 to 1000',
        ],
        [
          `entityRef=${LEDGER}&page=2`,
          'Invalid query: Unrecognized key: "page"',
        ],
      ]) {
        const res = await get(`/api/dlq/dead-letters?${query}`);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(message);
      }
    });

    it('answers 403 to a user without dlq.backlog.read', async () => {
      const res = await get(
        `/api/dlq/dead-letters?entityRef=${LEDGER}`,
        STRANGER,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You may not read dead letters (permission dlq.backlog.read)',
      );
    });
  });

  describe('POST /dead-letters/replay', () => {
    it('puts the message back on its queue with the same message_id and retries reset', async () => {
      const { id, message } = dl.rollback1;
      // A task already waiting: the replayed one queues up behind it.
      const waiting = dramatiqMessage({
        queue: 'critical',
        actor: 'ledger.rollback_transaction',
      });
      await dramatiqEnqueue(redis, namespace, waiting);
      const res = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: id,
      });
      expect(res.status).toBe(200);
      expect(res.body.replayed).toMatchObject({
        key: id,
        queue: 'critical',
        messageId: message.message_id,
        actor: 'ledger.rollback_transaction',
      });

      // Gone from the dead letters…
      expect(await redis.zscore(xq('critical'), id)).toBeNull();
      expect(await redis.hget(`${xq('critical')}.msgs`, id)).toBeNull();
      // …and on the queue, as Dramatiq's enqueue leaves a message.
      const pending = await redis.lrange(`${namespace}:critical`, 0, -1);
      expect(pending).toHaveLength(2);
      const [first, newId] = pending;
      expect(first).toBe(waiting.options.redis_message_id);
      expect(newId).not.toBe(id);
      const stored = JSON.parse(
        (await redis.hget(`${namespace}:critical.msgs`, newId))!,
      );
      expect(stored).toEqual({
        ...message,
        options: { ...message.options, retries: 0, redis_message_id: newId },
      });

      // Replayed once only.
      const again = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: id,
      });
      expect(again.status).toBe(404);
      expect(again.body.error.message).toBe(
        `No dead letter ${id} on queue critical: already replayed or discarded, or deleted by Dramatiq once older than its dead_message_ttl (7 days)`,
      );
      expect(await redis.llen(`${namespace}:critical`)).toBe(2);
    });

    it('replays once when two people click at the same time', async () => {
      const body = { entityRef: LEDGER, queue: 'critical', key: dl.fraud.id };
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          post('/api/dlq/dead-letters/replay', body),
        ),
      );
      expect(results.map(r => r.status).sort()).toEqual([
        200, 404, 404, 404, 404,
      ]);
      expect(await redis.llen(`${namespace}:critical`)).toBe(1);
    });

    it('puts a delayed message on its canonical queue, to run now', async () => {
      const res = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'default',
        key: dl.delayed.id,
      });
      expect(res.status).toBe(200);
      const [newId] = await redis.lrange(`${namespace}:default`, 0, -1);
      const stored = JSON.parse(
        (await redis.hget(`${namespace}:default.msgs`, newId))!,
      );
      expect(stored.queue_name).toBe('default');
      expect(stored.options.eta).toBeUndefined();
      expect(stored.message_id).toBe(dl.delayed.message.message_id);
      expect(await redis.exists(`${namespace}:default.DQ`)).toBe(0);
    });

    it("answers 404 for another service's dead letter and leaves it alone", async () => {
      const res = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'high',
        key: dl.wallet0.id,
      });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(
        `Dead letter ${dl.wallet0.id} on queue high is not one of this entity's (actors ledger.*)`,
      );
      // Nor the one of an actor that merely starts alike.
      const ledgerish = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'low',
        key: dl.ledgerish.id,
      });
      expect(ledgerish.status).toBe(404);
      expect(await redis.zscore(xq('high'), dl.wallet0.id)).not.toBeNull();
      expect(await redis.exists(`${namespace}:high`)).toBe(0);
    });

    it('answers 403 to a user without dlq.message.replay, and changes nothing', async () => {
      const res = await post(
        '/api/dlq/dead-letters/replay',
        { entityRef: LEDGER, queue: 'critical', key: dl.rollback1.id },
        DEVELOPER,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You may not replay dead letters (permission dlq.message.replay)',
      );
      expect(
        await redis.zscore(xq('critical'), dl.rollback1.id),
      ).not.toBeNull();
      expect(await redis.exists(`${namespace}:critical`)).toBe(0);
      // Refused attempts are audited too.
      expect(events[0].fail).toHaveBeenCalled();
    });

    it('refuses to replay an unreadable message (discard it instead)', async () => {
      const res = await post('/api/dlq/dead-letters/replay', {
        entityRef: PLATFORM,
        queue: 'default',
        key: dl.truncated.id,
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(
        /cannot be replayed: not JSON \(.*\)\. Discard it instead\.$/,
      );
      expect(await redis.exists(`${namespace}:default`)).toBe(0);
    });

    it('answers 400 for a malformed body or an unknown queue', async () => {
      const missing = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
      });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toMatch(/^Invalid body key: /);
      const notJson = await request(backend.server)
        .post('/api/dlq/dead-letters/replay')
        .set('Authorization', as(ONCALL))
        .set('Content-Type', 'application/json')
        .send('{"entityRef": ');
      expect(notJson.status).toBe(400);
      const unknown = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'urgent',
        key: dl.rollback1.id,
      });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.message).toBe(
        'Unknown queue "urgent": the dead-letter queues are critical, high, default, low, scheduled',
      );
    });
  });

  describe('POST /dead-letters/discard', () => {
    it('needs a reason someone understands later', async () => {
      for (const reason of [undefined, '', 'dup']) {
        const res = await post('/api/dlq/dead-letters/discard', {
          entityRef: WALLET,
          queue: 'high',
          key: dl.wallet1.id,
          reason,
        });
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/^Invalid body reason: /);
      }
      expect(await redis.zscore(xq('high'), dl.wallet1.id)).not.toBeNull();
    });

    it('removes the dead letter for good, once', async () => {
      const body = {
        entityRef: WALLET,
        queue: 'high',
        key: dl.wallet1.id,
        reason: 'wallet erased (GDPR erasure 2026-11-12), nothing to update',
      };
      const res = await post('/api/dlq/dead-letters/discard', body);
      expect(res.status).toBe(200);
      expect(res.body.discarded).toMatchObject({
        key: dl.wallet1.id,
        actor: 'wallet.publish_balance_updated',
      });
      expect(await redis.zscore(xq('high'), dl.wallet1.id)).toBeNull();
      expect(await redis.hget(`${xq('high')}.msgs`, dl.wallet1.id)).toBeNull();
      expect(await redis.exists(`${namespace}:high`)).toBe(0);
      expect((await post('/api/dlq/dead-letters/discard', body)).status).toBe(
        404,
      );
    });

    it('discards an unreadable entry from the platform view only', async () => {
      const body = {
        queue: 'default',
        key: dl.truncated.id,
        reason: 'truncated write during the 2026-11-20 failover',
      };
      const fromService = await post('/api/dlq/dead-letters/discard', {
        ...body,
        entityRef: LEDGER,
      });
      expect(fromService.status).toBe(404);
      const res = await post('/api/dlq/dead-letters/discard', {
        ...body,
        entityRef: PLATFORM,
      });
      expect(res.status).toBe(200);
      expect(res.body.discarded.unreadable).toMatch(/^not JSON/);
      expect(await redis.zscore(xq('default'), dl.truncated.id)).toBeNull();
    });

    it('answers 403 to a user without dlq.message.discard, and changes nothing', async () => {
      const res = await post(
        '/api/dlq/dead-letters/discard',
        {
          entityRef: WALLET,
          queue: 'high',
          key: dl.wallet1.id,
          reason: 'not mine to decide but trying',
        },
        DEVELOPER,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You may not discard dead letters (permission dlq.message.discard)',
      );
      expect(await redis.zscore(xq('high'), dl.wallet1.id)).not.toBeNull();
    });
  });

  describe('the audit trail', () => {
    it('records who replayed and discarded what, when and why', async () => {
      const before = Date.now();
      expect(
        (
          await post('/api/dlq/dead-letters/replay', {
            entityRef: LEDGER,
            queue: 'critical',
            key: dl.rollback1.id,
          })
        ).status,
      ).toBe(200);
      // A ledger task discarded from the platform view.
      expect(
        (
          await post('/api/dlq/dead-letters/discard', {
            entityRef: PLATFORM,
            queue: 'critical',
            key: dl.fraud.id,
            reason: 'resolved by hand: fraud case FR-1182 reviewed',
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await post('/api/dlq/dead-letters/discard', {
            entityRef: WALLET,
            queue: 'high',
            key: dl.wallet2.id,
            reason: '  superseded by balance version 52  ',
          })
        ).status,
      ).toBe(200);

      // Only this test's rows (earlier tests acted too).
      const mine = (items: DeadLetterAction[]) =>
        items.filter(i => Object.values(dl).some(d => d.id === i.key));
      const ledger = await get(`/api/dlq/actions?entityRef=${LEDGER}`);
      expect(ledger.status).toBe(200);
      expect(mine(ledger.body.items)).toEqual([
        {
          id: expect.any(Number),
          action: 'discard',
          outcome: 'done',
          entityRef: PLATFORM,
          queue: 'critical',
          key: dl.fraud.id,
          messageId: dl.fraud.message.message_id,
          actor: 'ledger.raise_fraud_alert',
          reason: 'resolved by hand: fraud case FR-1182 reviewed',
          by: ONCALL,
          at: expect.any(String),
        },
        {
          id: expect.any(Number),
          action: 'replay',
          outcome: 'done',
          entityRef: LEDGER,
          queue: 'critical',
          key: dl.rollback1.id,
          messageId: dl.rollback1.message.message_id,
          actor: 'ledger.rollback_transaction',
          by: ONCALL,
          at: expect.any(String),
        },
      ]);
      const at = Date.parse(mine(ledger.body.items)[1].at);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(Date.now() + 1000);

      const wallet = await get(`/api/dlq/actions?entityRef=${WALLET}`);
      expect(mine(wallet.body.items).map(i => i.reason)).toEqual([
        'superseded by balance version 52',
      ]);
      // The platform sees everything, newest first; limit applies.
      const all = await get(`/api/dlq/actions?entityRef=${PLATFORM}&limit=2`);
      expect(all.body.items.map((i: any) => i.key)).toEqual([
        dl.wallet2.id,
        dl.fraud.id,
      ]);
      // Readable by anyone with dlq.backlog.read, no one else.
      expect(
        (await get(`/api/dlq/actions?entityRef=${LEDGER}`, DEVELOPER)).status,
      ).toBe(200);
      expect(
        (await get(`/api/dlq/actions?entityRef=${LEDGER}`, STRANGER)).status,
      ).toBe(403);
    });

    it('refuses a replay whose row cannot be written, and leaves the dead letter alone', async () => {
      const xqMsgs = `${xq('critical')}.msgs`;
      const before = await redis.hget(xqMsgs, dl.rollback1.id);
      await knex.schema.renameTable('dlq_actions', 'dlq_actions_away');
      try {
        const res = await post('/api/dlq/dead-letters/replay', {
          entityRef: LEDGER,
          queue: 'critical',
          key: dl.rollback1.id,
        });
        expect(res.status).toBe(503);
        expect(res.body.error.message).toMatch(
          /^The dead-letter audit database \(backend\.database\) could not write to dlq_actions: the replay was refused/,
        );
      } finally {
        await knex.schema.renameTable('dlq_actions_away', 'dlq_actions');
      }
      expect(
        await redis.zscore(xq('critical'), dl.rollback1.id),
      ).not.toBeNull();
      expect(await redis.hget(xqMsgs, dl.rollback1.id)).toBe(before);
      expect(await redis.exists(`${namespace}:critical`)).toBe(0);
      // The auditor hears of the refusal.
      expect(events[0].fail).toHaveBeenCalledWith(
        expect.objectContaining({
          error: expect.objectContaining({ name: 'ServiceUnavailableError' }),
        }),
      );
    });

    it('sends each action to the auditor', async () => {
      await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: dl.rollback2.id,
      });
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'dead-letter-replay',
          severityLevel: 'medium',
        }),
      );
      expect(events[0].success).toHaveBeenCalledWith({
        meta: {
          entityRef: LEDGER,
          queue: 'critical',
          key: dl.rollback2.id,
          messageId: dl.rollback2.message.message_id,
          actor: 'ledger.rollback_transaction',
        },
      });
      // A second attempt fails, and says so.
      await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key: dl.rollback2.id,
      });
      expect(events[1].fail).toHaveBeenCalledWith(
        expect.objectContaining({
          error: expect.objectContaining({ name: 'NotFoundError' }),
        }),
      );
    });
  });

  describe('filters and pages', () => {
    const keys = async (query: string, ref = LEDGER) =>
      (await list(ref, query)).items.map(i => i.key);
    const KAFKA_TRACEBACK =
      'Traceback (most recent call last):\n  File "/app/ledger/fraud.py", line 12, in raise_fraud_alert\nkafka.errors.KafkaTimeoutError: no answer from broker-2 within 50 ms';

    it('filters by queue, actor, error type, text in the error and age, and counts what matches', async () => {
      const kafka = await dramatiqNack(
        redis,
        namespace,
        dramatiqMessage({
          queue: 'critical',
          actor: 'ledger.raise_fraud_alert',
          traceback: KAFKA_TRACEBACK,
        }),
        now - 30 * MINUTE,
      );
      expect(await keys('&queue=default')).toEqual([dl.delayed.id]);
      expect(await keys('&actor=ledger.raise_fraud_alert')).toEqual([
        kafka,
        dl.fraud.id,
      ]);
      expect(await keys('&errorType=kafka.errors.KafkaTimeoutError')).toEqual([
        kafka,
      ]);
      expect(await keys('&errorType=psycopg.OperationalError')).toEqual([
        dl.rollback2.id,
        dl.rollback1.id,
        dl.fraud.id,
        dl.delayed.id,
      ]);
      expect(await keys('&text=BROKER-2')).toEqual([kafka]);
      expect(await keys('&minAgeMinutes=41&maxAgeMinutes=100')).toEqual([
        dl.rollback1.id,
        dl.fraud.id,
      ]);
      const body = await list(LEDGER, '&actor=ledger.raise_fraud_alert');
      expect(body.total).toBe(2);
      expect(body.exact).toBe(true);
      expect(body.queues.find(q => q.queue === 'critical')!.depth).toBe(2);
      // The platform view counts by age straight from the sorted sets.
      const recent = await list(PLATFORM, '&maxAgeMinutes=11');
      expect(recent.total).toBe(3); // notAMessage, ledgerish, wallet0
      expect(recent.exact).toBe(true);
    });

    it('never finds by text what masking hides, and refuses it typed in full', async () => {
      const card = await dramatiqNack(
        redis,
        namespace,
        dramatiqMessage({
          queue: 'high',
          actor: 'ledger.refund_to_card',
          traceback: 'psp.CardDeclined: card 4111111111111111 declined',
        }),
        now - 2 * MINUTE,
      );
      const refused = await get(
        `/api/dlq/dead-letters?entityRef=${encodeURIComponent(
          LEDGER,
        )}&text=4111111111111111`,
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(
        /^Invalid query text: it holds what the portal masks/,
      );
      expect(await keys('&text=declined')).toEqual([card]);
      expect(await keys('&text=411111******1111')).toEqual([card]);
    });

    it('pages with a cursor: every dead letter once, in order, ties at the same millisecond included', async () => {
      for (let i = 0; i < 5; i++) {
        await dramatiqNack(
          redis,
          namespace,
          dramatiqMessage({
            queue: i % 2 ? 'high' : 'critical',
            actor: 'ledger.settle',
          }),
          now - 7 * MINUTE,
        );
      }
      const whole = await keys('&limit=1000', PLATFORM);
      expect(whole).toHaveLength(15);
      const paged: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const body = await list(
          PLATFORM,
          `&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...body.items.map(i => i.key));
        expect(body.total).toBe(15);
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      expect(paged).toEqual(whole);
      expect(pages).toBe(5);
      // A service's pages, filtered by its actors.
      const ledger: string[] = [];
      cursor = undefined;
      do {
        const body = await list(
          LEDGER,
          `&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        ledger.push(...body.items.map(i => i.key));
        cursor = body.nextCursor;
      } while (cursor);
      expect(ledger).toEqual(await keys('&limit=1000'));
      expect(ledger).toHaveLength(9);
    });

    it('answers 400 for a cursor it did not give and for bad filters', async () => {
      for (const [query, message] of [
        [
          '&cursor=bm90LWEtY3Vyc29y',
          'Invalid query cursor: not a cursor this API gave (use nextCursor of the previous page as it is)',
        ],
        [
          '&queue=nope',
          'Unknown queue "nope": the dead-letter queues are critical, high, default, low, scheduled',
        ],
        [
          '&actor=ledger rollback',
          'Invalid query actor: expected an actor name such as ledger.rollback_transaction',
        ],
        [
          '&text=x',
          'Invalid query text: expected at least 2 characters to search for',
        ],
        [
          '&minAgeMinutes=-3',
          'Invalid query minAgeMinutes: expected the minimum age as a whole number of minutes',
        ],
        [
          '&minAgeMinutes=60&maxAgeMinutes=5',
          'Invalid query: minAgeMinutes is more than maxAgeMinutes',
        ],
      ]) {
        const res = await get(
          `/api/dlq/dead-letters?entityRef=${encodeURIComponent(
            LEDGER,
          )}${query}`,
        );
        expect(res.status).toBe(400);
        expect(res.body.error.message).toBe(message);
      }
    });

    it('stops at its budgets: a page ends with a cursor, counts become lower bounds', async () => {
      const connection = new ValkeyConnection({
        url: redisUrl!,
        connectTimeoutMs: 2000,
        commandTimeoutMs: 2000,
        logger,
      });
      try {
        const store = new DramatiqDeadLetters({
          connection,
          namespace,
          queues: ['critical', 'high', 'default', 'low', 'scheduled'],
          deadMessageTtlMs: WEEK,
          links: [],
          scanBudget: 3,
          countBudget: 4,
        });
        const ledger = { broker: 'dramatiq' as const, actorPrefix: 'ledger.' };
        const first = await store.list(ledger, { limit: 10 });
        // The three newest are not ledger's: an empty page that goes on.
        expect(first.items).toEqual([]);
        expect(first.nextCursor).toBeDefined();
        expect(first.exact).toBe(false);
        expect(first.total).toBe(3);
        const found: string[] = [];
        let cursor = first.nextCursor;
        while (cursor) {
          const page = await store.list(ledger, {
            limit: 10,
            cursor: decodeCursor(cursor),
          });
          found.push(...page.items.map(i => i.key));
          cursor = page.nextCursor;
        }
        expect(found).toEqual([
          dl.rollback2.id,
          dl.rollback1.id,
          dl.fraud.id,
          dl.delayed.id,
        ]);
      } finally {
        await connection.close();
      }
    });
  });

  describe('GET /backlog', () => {
    const backlog = async (user = REVIEWER) => {
      const res = await get(
        `/api/dlq/backlog?entityRef=${encodeURIComponent(LEDGER)}`,
        user,
      );
      expect(res.status).toBe(200);
      return res.body as QueueBacklogList;
    };

    it("counts each queue's waiting, in-flight (every worker's acks) and delayed tasks, for every role", async () => {
      const waiting = [0, 1].map(i =>
        dramatiqMessage({
          queue: 'default',
          actor: 'ledger.reconcile_day',
          enqueuedAt: now - (30 - i) * MINUTE,
        }),
      );
      for (const m of waiting) await dramatiqEnqueue(redis, namespace, m);
      await dramatiqEnqueue(
        redis,
        namespace,
        dramatiqMessage({ queue: 'default.DQ', actor: 'ledger.reconcile_day' }),
      );
      // Two workers, as dispatch.lua's fetch leaves them.
      await redis.zadd(`${namespace}:__heartbeats__`, now, 'w1', now, 'w2');
      await redis.sadd(`${namespace}:__acks__.w1.default`, 'a', 'b');
      await redis.sadd(`${namespace}:__acks__.w2.default`, 'c');
      await redis.sadd(`${namespace}:__acks__.w2.default.DQ`, 'd');
      await redis.sadd(`${namespace}:__acks__.w2.critical`, 'e');

      const body = await backlog();
      expect(body).toMatchObject({
        entityRef: LEDGER,
        source: 'dramatiq:ledger.',
        scope: 'queue',
      });
      expect(body.queues).toEqual([
        { queue: 'critical', waiting: 0, inFlight: 1, delayed: 0 },
        { queue: 'high', waiting: 0, inFlight: 0, delayed: 0 },
        {
          queue: 'default',
          waiting: 2,
          inFlight: 3,
          delayed: 2,
          oldestWaitingAt: new Date(now - 30 * MINUTE).toISOString(),
        },
        { queue: 'low', waiting: 0, inFlight: 0, delayed: 0 },
        { queue: 'scheduled', waiting: 0, inFlight: 0, delayed: 0 },
      ]);
    });

    it('names an oldest message it cannot read, and counts the rest', async () => {
      await redis.hset(`${namespace}:high.msgs`, 'm-1', '{"not": "a message"');
      await redis.rpush(`${namespace}:high`, 'm-1');
      const body = await backlog();
      expect(body.queues.find(q => q.queue === 'high')).toEqual({
        queue: 'high',
        waiting: 1,
        inFlight: 0,
        delayed: 0,
        problem: expect.stringMatching(
          /^the oldest waiting message m-1 cannot be read: not JSON/,
        ),
      });
    });

    it('answers 403 without dlq.backlog.read, 401 without a user', async () => {
      const res = await get(
        `/api/dlq/backlog?entityRef=${encodeURIComponent(LEDGER)}`,
        STRANGER,
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You may not read queue backlogs (permission dlq.backlog.read)',
      );
    });
  });

  describe('masking, and who reads what', () => {
    // What a refund task of the platform really carries.
    const PAN = '4111111111111111';
    const IBAN = 'FR7630006000011234567890189';
    const EMAIL = 'claire.martin@example.fr';
    const PHONE = '+33 6 12 34 56 78';
    let refund: { id: string; message: DramatiqMessageJson };

    beforeEach(async () => {
      const message = dramatiqMessage({
        queue: 'high',
        actor: 'ledger.refund_to_card',
        args: [PAN, { iban: IBAN, email: EMAIL }],
        kwargs: {
          customer: JSON.stringify({ phone: PHONE, card: PAN, cvv: '737' }),
          psp: { api_key: 'sk_live_abc123', token: 'tok_9f8e' },
        },
        traceback: `Traceback (most recent call last):\n  File "/app/ledger/refunds.py", line 88, in refund_to_card\npsp.CardDeclined: card ${PAN} of ${EMAIL} declined (password='hunter2')`,
      });
      const id = await dramatiqNack(redis, namespace, message, now - MINUTE);
      refund = { id, message };
    });

    const refundOf = (body: DeadLetterList) =>
      body.items.find(i => i.key === refund.id)!;

    it('masks card numbers, IBANs, e-mail addresses, phone numbers and secrets in arguments, nested JSON and tracebacks', async () => {
      const body = await list(LEDGER);
      expect(body.payloads).toBe('masked');
      const item = refundOf(body);
      expect(item.args).toEqual([
        '411111******1111',
        { iban: 'FR76****0189', email: 'c***@example.fr' },
      ]);
      expect(JSON.parse(item.kwargs!.customer as string)).toEqual({
        phone: '+** * ** ** ** 78',
        card: '411111******1111',
        cvv: '[redacted]',
      });
      expect(item.kwargs!.psp).toEqual({
        api_key: '[redacted]',
        token: '[redacted]',
      });
      expect(item.traceback).toContain(
        "card 411111******1111 of c***@example.fr declined (password='[redacted]')",
      );
      const text = JSON.stringify(body);
      for (const clear of [PAN, IBAN, EMAIL, 'sk_live_abc123', 'hunter2']) {
        expect(text).not.toContain(clear);
      }
    });

    it("gives a developer their own team's payloads, counts elsewhere; a reviewer counts only", async () => {
      const own = (await (
        await get(`/api/dlq/dead-letters?entityRef=${LEDGER}`, DEVELOPER)
      ).body) as DeadLetterList;
      expect(own.payloads).toBe('masked');
      expect(refundOf(own).args![0]).toBe('411111******1111');

      for (const [user, ref] of [
        [DEVELOPER, WALLET],
        [DEVELOPER, PLATFORM],
        [REVIEWER, LEDGER],
        [REVIEWER, PLATFORM],
      ]) {
        const res = await get(
          `/api/dlq/dead-letters?entityRef=${encodeURIComponent(ref)}`,
          user,
        );
        expect(res.status).toBe(200);
        const body = res.body as DeadLetterList;
        expect(body.payloads).toBe('hidden');
        expect(body.items).toEqual([]);
        expect(body.total).toBeGreaterThan(0);
        expect(body.hiddenBecause).toMatch(
          ref === PLATFORM
            ? /on-call and platform admins read them \(permission dlq\.platform\.read\)/
            : /owning team, on-call and platform admins \(permission dlq\.message\.read\)/,
        );
      }
      const reviewer = await get(
        `/api/dlq/dead-letters?entityRef=${LEDGER}`,
        REVIEWER,
      );
      expect(reviewer.body.total).toBe(5);
      expect(
        reviewer.body.queues.find((q: any) => q.queue === 'high').depth,
      ).toBe(1);
    });

    it('reveals all but card numbers and security codes to a platform admin who asks, and audits it', async () => {
      const res = await get(
        `/api/dlq/dead-letters?entityRef=${LEDGER}&reveal=true`,
        ADMIN,
      );
      expect(res.status).toBe(200);
      const body = res.body as DeadLetterList;
      expect(body.payloads).toBe('revealed');
      const item = refundOf(body);
      expect(item.args).toEqual([
        '411111******1111',
        { iban: IBAN, email: EMAIL },
      ]);
      expect(JSON.parse(item.kwargs!.customer as string)).toEqual({
        phone: PHONE,
        card: '411111******1111',
        cvv: '[redacted]',
      });
      expect(item.kwargs!.psp).toEqual({
        api_key: 'sk_live_abc123',
        token: 'tok_9f8e',
      });
      expect(JSON.stringify(body)).not.toContain(PAN);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'dead-letter-reveal',
          severityLevel: 'high',
          meta: expect.objectContaining({
            entityRef: LEDGER,
            count: body.items.length,
            messageIds: expect.arrayContaining([refund.message.message_id]),
          }),
        }),
      );
      expect(events.at(-1)!.success).toHaveBeenCalled();

      // On-call sees masked payloads, and may not ask for more.
      auditor.createEvent.mockClear();
      const refused = await get(
        `/api/dlq/dead-letters?entityRef=${LEDGER}&reveal=true`,
        ONCALL,
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        'You may not see dead letters unmasked (permission dlq.message.reveal)',
      );
      expect(auditor.createEvent).not.toHaveBeenCalled();
    });

    it('replays the original bytes: masking is for display only', async () => {
      const res = await post('/api/dlq/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'high',
        key: refund.id,
      });
      expect(res.status).toBe(200);
      expect(res.body.replayed.args[0]).toBe('411111******1111');
      const [newKey] = await redis.lrange(`${namespace}:high`, 0, -1);
      const enqueued = JSON.parse(
        (await redis.hget(`${namespace}:high.msgs`, newKey))!,
      );
      expect(enqueued.args).toEqual(refund.message.args);
      expect(enqueued.kwargs).toEqual(refund.message.kwargs);
      expect(enqueued.message_id).toBe(refund.message.message_id);
    });

    it('masks a card number pasted into a discard reason, in the trail and the audit log', async () => {
      const res = await post('/api/dlq/dead-letters/discard', {
        entityRef: LEDGER,
        queue: 'high',
        key: refund.id,
        reason: `Refunded by hand to ${PAN} (${EMAIL})`,
      });
      expect(res.status).toBe(200);
      const trail = await get(`/api/dlq/actions?entityRef=${LEDGER}`);
      expect(trail.body.items[0].reason).toBe(
        'Refunded by hand to 411111******1111 (c***@example.fr)',
      );
      const rows = await knex('dlq_actions').select('reason');
      expect(JSON.stringify(rows)).not.toContain(PAN);
      expect(events.at(-1)!.success).toHaveBeenCalledWith({
        meta: expect.objectContaining({
          reason: 'Refunded by hand to 411111******1111 (c***@example.fr)',
        }),
      });
    });
  });

  describe.each([
    ['get', `/api/dlq/dead-letters?entityRef=${LEDGER}`],
    ['get', `/api/dlq/actions?entityRef=${LEDGER}`],
    ['get', `/api/dlq/backlog?entityRef=${LEDGER}`],
    ['post', '/api/dlq/dead-letters/replay'],
    ['post', '/api/dlq/dead-letters/discard'],
  ] as const)('%s %s', (method, path) => {
    it('answers 401 without a user token', async () => {
      const res = await request(backend.server)
        [method](path)
        .set('Authorization', mockCredentials.none.header())
        .send({ entityRef: LEDGER, queue: 'critical', key: dl.rollback1.id });
      expect(res.status).toBe(401);
      expect(
        await redis.zscore(xq('critical'), dl.rollback1.id),
      ).not.toBeNull();
    });
  });
});
