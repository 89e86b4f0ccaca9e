import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PrivateRedis } from '@internal/test-services';
import Redis from 'ioredis';
import request from 'supertest';
import {
  describeWithRedis,
  dramatiqMessage,
  dramatiqNack,
} from './__testUtils__/dramatiq';
import { CuttingProxy } from './__testUtils__/cuttingProxy';
import dlqPlugin from './index';

jest.setTimeout(60_000);

const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': 'dramatiq:ledger.' },
  },
  spec: { type: 'service', owner: 'group:default/product-team' },
};
const platform: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'dramatiq-dead-letter',
    namespace: 'default',
    annotations: { 'local-plus.io/dead-letters': 'dramatiq:*' },
  },
  spec: { type: 'queue', owner: 'group:default/on-call' },
};
const LIST = '/api/dlq/dead-letters?entityRef=component:default/svc-ledger';
const PLATFORM_LIST =
  '/api/dlq/dead-letters?entityRef=resource:default/dramatiq-dead-letter';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function start(
  deadLetters: object | undefined,
  logger = mockServices.logger.mock(),
  exposeDetails = false,
) {
  return startTestBackend({
    features: [
      dlqPlugin,
      mockServices.rootConfig.factory({
        data: {
          ...(deadLetters ? { deadLetters } : {}),
          // As in production unless a test says otherwise.
          localPlus: { errors: { exposeDetails } },
        },
      }),
      catalogServiceMock.factory({ entities: [ledger, platform] }),
      mockServices.database.factory({
        knex: await databases.init('SQLITE_3'),
      }),
      logger.factory,
    ],
  });
}

/** The response and how long it took. */
async function timed(backend: TestBackend, path = LIST) {
  const started = Date.now();
  const res = await request(backend.server)
    .get(path)
    .set('Authorization', mockCredentials.user.header());
  return { res, ms: Date.now() - started };
}

describe('configuration', () => {
  it('starts without deadLetters.redis.url, and says so on every dead-letter route', async () => {
    const backend = await start(undefined);
    try {
      const { res } = await timed(backend);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /^Valkey 'deadLetters\.redis' is not configured: set deadLetters\.redis\.url .*\(request id [0-9a-f]{12}\)$/,
      );
      const replay = await request(backend.server)
        .post('/api/dlq/dead-letters/replay')
        .send({
          entityRef: 'component:default/svc-ledger',
          queue: 'critical',
          key: 'abc',
        });
      expect(replay.status).toBe(503);
      // The audit trail lives in the database: still readable.
      const actions = await timed(
        backend,
        '/api/dlq/actions?entityRef=component:default/svc-ledger',
      );
      expect(actions.res.status).toBe(200);
      expect(actions.res.body).toEqual({ items: [] });
    } finally {
      await backend.stop();
    }
  });

  it.each([
    [
      { redis: { url: 'http://valkey:6379' } },
      'Invalid config deadLetters.redis.url: expected redis:// or rediss://, not http:',
    ],
    [
      { redis: { url: 'rediss://user:pw@' } },
      'Invalid config deadLetters.redis.url: not a valid URL',
    ],
    [
      { redis: { url: 'redis://valkey:6379', commandTimeoutMs: 0 } },
      'Invalid config deadLetters.redis.commandTimeoutMs: expected a positive number of milliseconds',
    ],
    [
      { dramatiq: { queues: [] } },
      'Invalid config deadLetters.dramatiq.queues: name at least one queue',
    ],
    [
      {
        links: [{ title: 'x', urlTemplate: 'ftp://files.example/{messageId}' }],
      },
      'Invalid config deadLetters.links.0.urlTemplate: only http(s) links are allowed, not ftp:',
    ],
  ])('refuses to start with %j', async (config, message) => {
    await expect(start(config)).rejects.toThrow(message);
  });
});

describeWithRedis('when Valkey is down, slow or back', () => {
  it('answers 503 within the time-out when nothing listens, naming Valkey by its config key and nothing internal', async () => {
    const logger = mockServices.logger.mock();
    const backend = await start(
      { redis: { url: 'redis://portal:s3cret-pw@127.0.0.1:1/3' } },
      logger,
    );
    try {
      for (let i = 0; i < 2; i++) {
        const { res, ms } = await timed(backend);
        expect(res.status).toBe(503);
        const { message } = res.body.error;
        expect(message).toMatch(
          /^Valkey 'deadLetters\.redis' refused the connection \(is it running\?\): .*deadLetters\.redis\.url.* \(request id [0-9a-f]{12}\)$/,
        );
        // Nothing internal: no address, port, URL, driver text or stack.
        expect(JSON.stringify(res.body)).not.toMatch(
          /127\.0\.0\.1|:1\b|redis:\/\/|ECONNREFUSED|s3cret|stack|cause/,
        );
        expect(ms).toBeLessThan(2500);

        // The log has the detail, under the id the answer shows.
        const requestId = message.match(/request id (\w+)\)$/)[1];
        const line = logger.error.mock.calls
          .map(c => String(c[0]))
          .find(l => l.includes(requestId));
        expect(line).toContain('redis://portal:***@127.0.0.1:1/3');
        expect(line).toContain('ECONNREFUSED');
      }
      const logged = JSON.stringify([
        logger.info.mock.calls,
        logger.warn.mock.calls,
        logger.error.mock.calls,
      ]);
      expect(logged).toContain('redis://portal:***@127.0.0.1:1/3');
      expect(logged).not.toContain('s3cret-pw');
    } finally {
      await backend.stop();
    }
  });

  it('shows the detail in development (localPlus.errors.exposeDetails), never the password', async () => {
    const backend = await start(
      { redis: { url: 'redis://portal:s3cret-pw@127.0.0.1:1/3' } },
      mockServices.logger.mock(),
      true,
    );
    try {
      const { res } = await timed(backend);
      expect(res.status).toBe(503);
      expect(res.body.error.message).toMatch(
        /^Valkey 'deadLetters\.redis' refused the connection \(is it running\?\): start the dev services with make start, or check deadLetters\.redis\.url \(redis:\/\/portal:\*\*\*@127\.0\.0\.1:1\/3: .*ECONNREFUSED.*\) \(request id \w+\)$/,
      );
      expect(JSON.stringify(res.body)).not.toContain('s3cret');
    } finally {
      await backend.stop();
    }
  });

  describe('with a Valkey of its own', () => {
    const server = new PrivateRedis();
    let backend: TestBackend;
    let redis: Redis;

    const seed = async () => {
      await dramatiqNack(
        redis,
        'dramatiq',
        dramatiqMessage({ queue: 'critical', actor: 'ledger.rollback' }),
        Date.now(),
      );
    };

    beforeAll(async () => {
      await server.start();
      redis = new Redis(server.url, { maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      backend = await start({ redis: { url: server.url } });
    });

    afterAll(async () => {
      await backend?.stop();
      redis?.disconnect();
      await server.stop();
    });

    it('answers 503 fast while it is stopped, and recovers without a restart', async () => {
      await seed();
      expect((await timed(backend)).res.body.total).toBe(1);

      await server.stop();
      for (let i = 0; i < 2; i++) {
        const { res, ms } = await timed(backend);
        expect(res.status).toBe(503);
        expect(res.body.error.message).toMatch(
          /^Valkey 'deadLetters\.redis' (refused|closed) the connection/,
        );
        expect(JSON.stringify(res.body)).not.toContain(String(server.port));
        expect(ms).toBeLessThan(2500);
      }

      await server.start();
      await seed();
      const { res } = await timed(backend);
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(1);
    });

    it('answers 503 fast while it does not answer, and recovers when it does', async () => {
      expect((await timed(backend)).res.status).toBe(200);
      server.freeze();
      try {
        const { res, ms } = await timed(backend);
        expect(res.status).toBe(503);
        expect(res.body.error.message).toMatch(
          /^Valkey 'deadLetters\.redis' did not answer within 2 s: .*deadLetters\.redis\.commandTimeoutMs.* \(request id [0-9a-f]{12}\)$/,
        );
        expect(ms).toBeLessThan(2500);
      } finally {
        server.thaw();
      }
      expect((await timed(backend)).res.status).toBe(200);
    });

    it("lists one service's dead letters among 10,000, and the platform's newest", async () => {
      await redis.flushall();
      const pipeline = redis.pipeline();
      const now = Date.now();
      for (let i = 0; i < 10_000; i++) {
        const actor = i % 100 === 0 ? 'ledger.rollback' : 'wallet.publish';
        const message = dramatiqMessage({
          queue: ['critical', 'high', 'default'][i % 3],
          actor,
          traceback: `Traceback (most recent call last):\n${'  File "x.py", line 1\n'.repeat(
            30,
          )}Error`,
        });
        const xq = `dramatiq:${message.queue_name}.XQ`;
        const id = message.options.redis_message_id;
        pipeline.hset(`${xq}.msgs`, id, JSON.stringify(message));
        pipeline.zadd(xq, now - i * 1000, id);
      }
      await pipeline.exec();

      // How fast: plugins/dlq-backend/bench/list.ts (scripts/bench.sh).
      const first = await timed(backend, `${LIST}&limit=1000`);
      expect(first.res.status).toBe(200);
      expect(first.res.body.total).toBe(100);
      expect(first.res.body.items).toHaveLength(100);
      // The next listing answers from the cached actors: the same answer.
      const again = await timed(backend, `${LIST}&limit=1000`);
      expect(again.res.body.total).toBe(100);
      expect(again.res.body.items).toEqual(first.res.body.items);

      const all = await timed(backend, PLATFORM_LIST);
      expect(all.res.status).toBe(200);
      expect(all.res.body.total).toBe(10_000);
      expect(all.res.body.items).toHaveLength(200);
    });
  });
});

describeWithRedis('a replay or discard whose answer is lost', () => {
  const server = new PrivateRedis();
  let proxy: CuttingProxy;
  let redis: Redis;
  let backend: TestBackend;
  const LEDGER = 'component:default/svc-ledger';
  const post = (action: string, body: object) =>
    request(backend.server)
      .post(`/api/dlq/dead-letters/${action}`)
      .set('Authorization', mockCredentials.user.header())
      .send({ entityRef: LEDGER, queue: 'critical', ...body });

  beforeAll(async () => {
    await server.start();
    proxy = new CuttingProxy({ host: '127.0.0.1', port: server.port });
    await proxy.start();
    redis = new Redis(server.url);
    backend = await start({ redis: { url: proxy.url } });
  });

  afterAll(async () => {
    await backend?.stop();
    redis?.disconnect();
    await proxy?.close();
    await server.stop();
  });

  it.each(['replay', 'discard'])(
    'a %s is recorded with its real outcome, and done once',
    async action => {
      await redis.flushall();
      const message = dramatiqMessage({
        queue: 'critical',
        actor: 'ledger.rollback',
      });
      const key = await dramatiqNack(redis, 'dramatiq', message, Date.now());
      // Valkey runs the script; its answer is lost with the connection.
      proxy.arm('__portal__:done:');
      const res = await post(action, {
        key,
        ...(action === 'discard'
          ? { reason: 'Rolled back by hand in INC-2211' }
          : {}),
      });
      expect(proxy.cuts).toBeGreaterThan(0);
      expect(res.status).toBe(200);
      expect(await redis.zcard('dramatiq:critical.XQ')).toBe(0);
      // Once: one message on the queue for a replay, none for a discard.
      expect(await redis.llen('dramatiq:critical')).toBe(
        action === 'replay' ? 1 : 0,
      );
      const trail = await request(backend.server)
        .get(`/api/dlq/actions?entityRef=${encodeURIComponent(LEDGER)}`)
        .set('Authorization', mockCredentials.user.header());
      expect(trail.body.items[0]).toMatchObject({
        action,
        key,
        outcome: 'done',
      });
    },
  );
});
