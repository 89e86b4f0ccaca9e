import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { freePort } from '@internal/test-services';
import Redis from 'ioredis';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import { Engine, pgServer, testDatabases } from './__testUtils__/databases';
import {
  deleteNamespace,
  describeWithRedis,
  dramatiqMessage,
  dramatiqNack,
  redisUrl,
  uniqueNamespace,
} from './__testUtils__/dramatiq';
import dlqPlugin from './index';

jest.setTimeout(60_000);

const { engines } = testDatabases();

const LEDGER = 'component:default/svc-ledger';
const SERVICE = `svc-audit-${process.pid}`;
const SERVICE_REF = `component:default/${SERVICE}`;
const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'svc-ledger',
      namespace: 'default',
      annotations: { 'local-plus.io/dead-letters': 'dramatiq:ledger.' },
    },
    spec: { type: 'service', owner: 'group:default/product-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: SERVICE,
      namespace: 'default',
      annotations: { 'local-plus.io/dead-letters': `bullmq:${SERVICE}` },
    },
    spec: { type: 'service', owner: 'group:default/product-team' },
  },
];
const ONCALL = 'user:default/julien.lefevre';

/** A Dramatiq broker key as long as the API accepts: 200 characters. */
const longKey = (tag: string) =>
  `${tag}-${'0123456789abcdef'.repeat(13)}`.padEnd(200, 'z').slice(0, 200);

describeWithRedis.each(engines)(
  'the audit trail of replays and discards on %s',
  (engine: Engine, connect: () => Promise<Knex>) => {
    const namespace = uniqueNamespace();
    let redis: Redis;
    const backends: TestBackend[] = [];

    async function start(
      knex: Knex,
      options: { skipMigrations?: boolean } = {},
    ) {
      const logger = mockServices.logger.mock();
      const backend = await startTestBackend({
        features: [
          dlqPlugin,
          mockServices.rootConfig.factory({
            data: {
              deadLetters: {
                redis: { url: redisUrl! },
                dramatiq: { namespace },
              },
              localPlus: { errors: { exposeDetails: false } },
            },
          }),
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({
            knex,
            migrations: { skip: options.skipMigrations ?? false },
          }),
          logger.factory,
        ],
      });
      backends.push(backend);
      const post = (path: string, body: object) =>
        request(backend.server)
          .post(`/api/dlq${path}`)
          .set('Authorization', mockCredentials.user.header(ONCALL))
          .send(body);
      const get = (path: string) =>
        request(backend.server)
          .get(`/api/dlq${path}`)
          .set('Authorization', mockCredentials.user.header(ONCALL));
      return { backend, logger, post, get };
    }

    /** A ledger dead letter whose broker key is `key`. */
    async function deadLetter(key: string) {
      const message = dramatiqMessage({
        queue: 'critical',
        actor: 'ledger.rollback_transaction',
        options: { redis_message_id: key },
      });
      await dramatiqNack(redis, namespace, message, Date.now() - 60_000);
      return message;
    }

    /** Everything Valkey holds about a dead letter and its queue. */
    async function stateOf(key: string) {
      const xq = `${namespace}:critical.XQ`;
      return {
        score: await redis.zscore(xq, key),
        message: await redis.hget(`${xq}.msgs`, key),
        queued: await redis.llen(`${namespace}:critical`),
      };
    }

    beforeAll(async () => {
      redis = new Redis(redisUrl!);
    });

    afterAll(async () => {
      for (const backend of backends) await backend.stop();
      if (redis) {
        await deleteNamespace(redis, namespace);
        await redis.del(`${SERVICE}:dead-letter`);
        redis.disconnect();
      }
    });

    describe('with the database up', () => {
      let knex: Knex;
      let api: Awaited<ReturnType<typeof start>>;

      beforeAll(async () => {
        knex = await connect();
        api = await start(knex);
      });

      it('replays a dead letter with a 200-character key and keeps the whole key', async () => {
        const key = longKey('replay');
        const message = await deadLetter(key);
        const res = await api.post('/dead-letters/replay', {
          entityRef: LEDGER,
          queue: 'critical',
          key,
        });
        expect(res.status).toBe(200);
        expect(res.body.replayed.key).toBe(key);
        expect((await stateOf(key)).score).toBeNull();

        const rows = await knex('dlq_actions').where('redis_key', key);
        expect(rows).toHaveLength(1);
        expect(rows[0].redis_key).toHaveLength(200);
        const trail = await api.get(`/actions?entityRef=${LEDGER}`);
        expect(trail.status).toBe(200);
        expect(trail.body.items.filter((i: any) => i.key === key)).toEqual([
          {
            id: expect.any(Number),
            action: 'replay',
            outcome: 'done',
            entityRef: LEDGER,
            queue: 'critical',
            key,
            messageId: message.message_id,
            actor: 'ledger.rollback_transaction',
            by: ONCALL,
            at: expect.any(String),
          },
        ]);
      });

      it('discards a dead letter with a 200-character key and a 500-character reason', async () => {
        const key = longKey('discard');
        await deadLetter(key);
        const reason = `${'superseded by a manual correction; '.repeat(15)}`
          .slice(0, 500)
          .replace(/\s+$/, '.')
          .padEnd(500, '.');
        const res = await api.post('/dead-letters/discard', {
          entityRef: LEDGER,
          queue: 'critical',
          key,
          reason,
        });
        expect(res.status).toBe(200);
        const trail = await api.get(`/actions?entityRef=${LEDGER}`);
        const row = trail.body.items.find((i: any) => i.key === key);
        expect(row).toMatchObject({
          action: 'discard',
          outcome: 'done',
          key,
          reason,
        });
      });

      it('marks the row failed, with what the user was told, when the change fails', async () => {
        // Claimed by a BullMQ replay, then BullMQ cannot take the job: the
        // record is put back and the replay fails with a 503.
        const key = 'critical/77';
        await redis.hset(
          `${SERVICE}:dead-letter`,
          key,
          JSON.stringify({
            jobId: '77',
            jobName: 'rewards.grant',
            data: {},
            attemptsMade: 1,
            enqueuedAt: new Date().toISOString(),
            deadLetteredAt: new Date().toISOString(),
          }),
        );
        // A string where BullMQ keeps a hash: BullMQ's own commands fail.
        await redis.set(`bull:${SERVICE}-critical:77`, 'not a job');
        try {
          const res = await api.post('/dead-letters/replay', {
            entityRef: SERVICE_REF,
            queue: 'critical',
            key,
          });
          expect(res.status).toBe(503);
          expect(await redis.hexists(`${SERVICE}:dead-letter`, key)).toBe(1);
          const trail = await api.get(`/actions?entityRef=${SERVICE_REF}`);
          expect(trail.body.items[0]).toMatchObject({
            action: 'replay',
            outcome: 'failed',
            key,
            messageId: '77',
            error: expect.stringContaining('is kept'),
          });
          expect(trail.body.items[0].error).not.toMatch(/127\.0\.0\.1|redis:/);
        } finally {
          await redis.del(`bull:${SERVICE}-critical:77`);
        }
      });

      it('refuses a replay and a discard it cannot audit, and leaves the dead letter alone', async () => {
        const key = longKey('refused');
        await deadLetter(key);
        const before = await stateOf(key);
        await knex.schema.renameTable('dlq_actions', 'dlq_actions_away');
        try {
          for (const [path, body] of [
            [
              '/dead-letters/replay',
              { entityRef: LEDGER, queue: 'critical', key },
            ],
            [
              '/dead-letters/discard',
              {
                entityRef: LEDGER,
                queue: 'critical',
                key,
                reason: 'the ledger was corrected by hand',
              },
            ],
          ] as const) {
            const res = await api.post(path, body);
            expect(res.status).toBe(503);
            expect(res.body.error.message).toMatch(
              /^The dead-letter audit database \(backend\.database\) .*(replay|discard) was refused.* \(request id [0-9a-f]{12}\)$/,
            );
            expect(JSON.stringify(res.body)).not.toMatch(
              /dlq_actions_away|SQLITE|relation|stack/i,
            );
            expect(await stateOf(key)).toEqual(before);
          }
        } finally {
          await knex.schema.renameTable('dlq_actions_away', 'dlq_actions');
        }
      });

      it('still answers with what happened when the final update fails, and logs the row', async () => {
        const key = longKey('pending');
        await deadLetter(key);
        // Rows can be added but no longer changed.
        if (engine === 'PostgreSQL') {
          await knex.raw(`
            CREATE FUNCTION dlq_read_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'dlq_actions is read-only'; END;
            $$ LANGUAGE plpgsql`);
          await knex.raw(`
            CREATE TRIGGER dlq_read_only BEFORE UPDATE ON dlq_actions
            FOR EACH ROW EXECUTE FUNCTION dlq_read_only()`);
        } else {
          await knex.raw(`
            CREATE TRIGGER dlq_read_only BEFORE UPDATE ON dlq_actions
            BEGIN SELECT RAISE(ABORT, 'dlq_actions is read-only'); END`);
        }
        try {
          const res = await api.post('/dead-letters/replay', {
            entityRef: LEDGER,
            queue: 'critical',
            key,
          });
          expect(res.status).toBe(200);
          expect(res.body.replayed.key).toBe(key);
          expect(await stateOf(key)).toMatchObject({ score: null });
        } finally {
          await knex
            .raw('DROP TRIGGER dlq_read_only ON dlq_actions')
            .catch(() => knex.raw('DROP TRIGGER dlq_read_only'));
          if (engine === 'PostgreSQL') {
            await knex.raw('DROP FUNCTION dlq_read_only()');
          }
        }
        const [row] = await knex('dlq_actions').where('redis_key', key);
        expect(row.outcome).toBe('pending');
        const line = api.logger.error.mock.calls
          .map(c => String(c[0]))
          .find(l => l.includes('stays pending'));
        expect(line).toContain(`The replay of dead letter ${key} was done`);
        const should = JSON.parse(
          line!.slice(line!.indexOf('should read ') + 12),
        );
        expect(should).toMatchObject({
          id: row.id,
          action: 'replay',
          outcome: 'done',
          key,
          messageId: row.message_id,
          actor: 'ledger.rollback_transaction',
          by: ONCALL,
        });
      });
    });

    it('refuses when the database is gone (pool closed), and leaves the dead letter alone', async () => {
      const knex = await connect();
      const api = await start(knex);
      await knex.destroy();
      const key = longKey('closed');
      await deadLetter(key);
      const before = await stateOf(key);
      const replay = await api.post('/dead-letters/replay', {
        entityRef: LEDGER,
        queue: 'critical',
        key,
      });
      expect(replay.status).toBe(503);
      expect(replay.body.error.message).toMatch(
        /^The dead-letter audit database \(backend\.database\) .*replay was refused/,
      );
      const discard = await api.post('/dead-letters/discard', {
        entityRef: LEDGER,
        queue: 'critical',
        key,
        reason: 'the ledger was corrected by hand',
      });
      expect(discard.status).toBe(503);
      expect(await stateOf(key)).toEqual(before);
      // The trail cannot be read either, and says why.
      const trail = await api.get(`/actions?entityRef=${LEDGER}`);
      expect(trail.status).toBe(503);
      expect(trail.body.error.message).toMatch(
        /^The dead-letter audit database \(backend\.database\) /,
      );
    });

    if (engine === 'PostgreSQL') {
      it('refuses when PostgreSQL does not run, without naming its address', async () => {
        const port = await freePort();
        const knex = knexFactory({
          client: 'pg',
          connection: { ...pgServer, port, database: 'nowhere' },
          pool: { min: 0 },
          // Knex would print each failed connection on the console.
          log: { warn() {}, error() {}, debug() {}, deprecate() {} },
        });
        try {
          const api = await start(knex, { skipMigrations: true });
          const key = longKey('nopg');
          await deadLetter(key);
          const before = await stateOf(key);
          const res = await api.post('/dead-letters/replay', {
            entityRef: LEDGER,
            queue: 'critical',
            key,
          });
          expect(res.status).toBe(503);
          expect(res.body.error.message).toMatch(
            /^The dead-letter audit database \(backend\.database\) refused the connection \(is it running\?\): the replay was refused/,
          );
          expect(JSON.stringify(res.body)).not.toContain(String(port));
          expect(await stateOf(key)).toEqual(before);
          // The detail is in the log, under the request id.
          const requestId = res.body.error.message.match(/request id (\w+)/)[1];
          const line = api.logger.error.mock.calls
            .map(c => String(c[0]))
            .find(l => l.includes(requestId));
          expect(line).toContain(String(port));
        } finally {
          await knex.destroy();
        }
      });
    }
  },
);
