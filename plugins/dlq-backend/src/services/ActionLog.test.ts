import { mockServices } from '@backstage/backend-test-utils';
import {
  DeadLetterAction,
  discardRequestSchema,
  replayRequestSchema,
} from '@internal/plugin-dlq-common';
import { Knex } from 'knex';
import { z } from 'zod';
import { testDatabases } from '../__testUtils__/databases';
import { ActionLog } from './ActionLog';

/**
 * The audit trail on SQLite (development) and, when the test services run
 * (LOCALPLUS_PG_*), on PostgreSQL (production).
 */
const { engines } = testDatabases();

const at = (minute: number) =>
  new Date(Date.UTC(2026, 10, 25, 12, minute)).toISOString();

type NewAction = Omit<DeadLetterAction, 'id' | 'outcome' | 'error'>;

/** A replay or discard that went through: started, then done. */
async function recordDone(log: ActionLog, action: NewAction) {
  const id = await log.start(action);
  await log.finish(id, { outcome: 'done' });
  return id;
}

/**
 * The request fields the audit table stores, and their columns. Every
 * string field of the request bodies must be here: a new field needs a
 * column wide enough for it.
 */
const REQUEST_COLUMNS: Record<string, string> = {
  entityRef: 'entity_ref',
  queue: 'queue',
  key: 'redis_key',
  reason: 'reason',
};

/** The longest value `schema` accepts, built for the field `name`. */
function longest(name: string, schema: z.ZodString): string {
  const max = schema.maxLength;
  if (max === null) {
    throw new Error(`${name} has no maximum length: the API must bound it`);
  }
  // A prefix the field's pattern wants, filled up to the maximum.
  const prefix: Record<string, string> = {
    entityRef: 'component:default/',
    reason: 'why ',
  };
  const start = prefix[name] ?? 'a';
  const value = `${start}${'b'.repeat(max - start.length)}`;
  // The value is accepted, and one character more is not.
  expect(schema.safeParse(value).success).toBe(true);
  expect(schema.safeParse(`${value}c`).success).toBe(false);
  return value;
}

/** The table as ensureTable created it before the migrations existed. */
async function createLegacyTable(knex: Knex) {
  await knex.schema.createTable('dlq_actions', table => {
    table.increments('id');
    table.string('action', 16).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.string('queue', 100).notNullable();
    table.string('redis_key', 100).notNullable();
    table.string('message_id', 255).nullable();
    table.string('actor', 255).nullable();
    table.text('reason').nullable();
    table.string('user_entity_ref', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['entity_ref'], 'dlq_actions_entity_ref_idx');
    table.index(['actor'], 'dlq_actions_actor_idx');
  });
}

/** Columns (type, width, nullability) and index names of the table. */
async function shapeOf(knex: Knex) {
  const columns = await knex('dlq_actions').columnInfo();
  const indexes =
    knex.client.config.client === 'pg'
      ? (
          await knex.raw(
            `SELECT indexname AS name FROM pg_indexes WHERE tablename = 'dlq_actions'`,
          )
        ).rows
      : await knex.raw(`PRAGMA index_list('dlq_actions')`);
  return {
    columns,
    indexes: indexes.map((i: { name: string }) => i.name).sort(),
  };
}

describe.each(engines)('ActionLog on %s', (_engine, connect) => {
  describe('a new installation', () => {
    let knex: Knex;
    let log: ActionLog;

    beforeAll(async () => {
      knex = await connect();
      // Twice: a second replica starting finds the table there.
      await ActionLog.create(mockServices.database({ knex }));
      log = await ActionLog.create(mockServices.database({ knex }));
    });

    it('creates the table by a knex migration', async () => {
      expect(await knex.schema.hasTable('dlq_actions')).toBe(true);
      const migrations = await knex('knex_migrations').select('name');
      expect(migrations.map(m => m.name)).toEqual([
        '20261206000000_dlq_actions.js',
        '20261206160000_dlq_bulk_jobs.js',
      ]);
    });

    it('keeps who did what, when and why, and gives it back newest first', async () => {
      await recordDone(log, {
        action: 'replay',
        entityRef: 'component:default/svc-ledger',
        queue: 'critical',
        key: 'k-1',
        messageId: 'm-1',
        actor: 'ledger.rollback_transaction',
        by: 'user:default/julien.lefevre',
        at: at(1),
      });
      await recordDone(log, {
        action: 'discard',
        entityRef: 'resource:default/dramatiq-dead-letter',
        queue: 'critical',
        key: 'k-2',
        messageId: 'm-2',
        actor: 'ledger.raise_fraud_alert',
        reason: 'resolved by hand: fraud case FR-1182',
        by: 'user:default/sofia.marchetti',
        at: at(2),
      });
      // An unreadable entry, discarded from the platform view.
      await recordDone(log, {
        action: 'discard',
        entityRef: 'resource:default/dramatiq-dead-letter',
        queue: 'default',
        key: 'k-3',
        reason: 'truncated write during the failover',
        by: 'user:default/sofia.marchetti',
        at: at(3),
      });
      await recordDone(log, {
        action: 'replay',
        entityRef: 'component:default/gift_card',
        queue: 'low',
        key: 'k-4',
        actor: 'giftxcard.expire',
        by: 'user:default/julien.lefevre',
        at: at(4),
      });

      const ledger = await log.list({
        entityRef: 'component:default/svc-ledger',
        actorPrefix: 'ledger.',
        limit: 50,
      });
      expect(ledger).toEqual([
        {
          id: expect.any(Number),
          action: 'discard',
          outcome: 'done',
          entityRef: 'resource:default/dramatiq-dead-letter',
          queue: 'critical',
          key: 'k-2',
          messageId: 'm-2',
          actor: 'ledger.raise_fraud_alert',
          reason: 'resolved by hand: fraud case FR-1182',
          by: 'user:default/sofia.marchetti',
          at: at(2),
        },
        {
          id: expect.any(Number),
          action: 'replay',
          outcome: 'done',
          entityRef: 'component:default/svc-ledger',
          queue: 'critical',
          key: 'k-1',
          messageId: 'm-1',
          actor: 'ledger.rollback_transaction',
          by: 'user:default/julien.lefevre',
          at: at(1),
        },
      ]);

      // "_" is taken literally: gift_card. is not giftxcard.
      expect(
        await log.list({
          entityRef: 'component:default/svc-giftcard',
          actorPrefix: 'gift_card.',
          limit: 50,
        }),
      ).toEqual([]);

      const all = await log.list({
        entityRef: 'resource:default/dramatiq-dead-letter',
        limit: 3,
      });
      expect(all.map(a => a.key)).toEqual(['k-4', 'k-3', 'k-2']);
      expect(all[1].actor).toBeUndefined();
    });

    it('writes the row before the change, pending, then says how it ended', async () => {
      const action: NewAction = {
        action: 'replay',
        entityRef: 'component:default/svc-outcome',
        queue: 'high',
        key: 'k-pending',
        by: 'user:default/julien.lefevre',
        at: at(10),
      };
      const pending = await log.start(action);
      const failed = await log.start({ ...action, key: 'k-failed' });
      const done = await log.start({ ...action, key: 'k-done' });
      await log.finish(failed, {
        outcome: 'failed',
        error: "Valkey 'deadLetters.redis' did not answer within 2 s",
      });
      await log.finish(done, { outcome: 'done' });
      const rows = await log.list({
        entityRef: 'component:default/svc-outcome',
        onlyEntity: true,
        limit: 10,
      });
      expect(rows.map(r => [r.id, r.key, r.outcome, r.error])).toEqual([
        [done, 'k-done', 'done', undefined],
        [failed, 'k-failed', 'failed', expect.stringContaining('2 s')],
        [pending, 'k-pending', 'pending', undefined],
      ]);
    });

    it('holds the longest value the API accepts in every column', async () => {
      const fields = {
        ...replayRequestSchema.shape,
        ...discardRequestSchema.shape,
      };
      const longestOf: Record<string, string> = {};
      for (const [name, schema] of Object.entries(fields)) {
        expect(REQUEST_COLUMNS).toHaveProperty(name);
        longestOf[name] = longest(name, schema as z.ZodString);
      }
      // Not bounded by the API: what the broker stored (message id, actor),
      // the user's reference from their token, and the error it ended with.
      const unbounded = (prefix: string) => `${prefix}${'x'.repeat(10_000)}`;
      const action: NewAction = {
        action: 'discard',
        entityRef: longestOf.entityRef,
        queue: longestOf.queue,
        key: longestOf.key,
        reason: longestOf.reason,
        messageId: unbounded('m-'),
        actor: unbounded('ledger.'),
        by: unbounded('user:default/'),
        at: at(20),
      };
      const id = await log.start(action);
      const error = unbounded('failed: ');
      await log.finish(id, { outcome: 'failed', error });
      const [row] = await log.list({
        entityRef: longestOf.entityRef,
        actorPrefix: 'ledger.',
        limit: 1,
      });
      expect(row).toEqual({ ...action, id, outcome: 'failed', error });
    });
  });

  it('brings a table made before the migrations to the new shape, keeping its rows', async () => {
    const knex = await connect();
    await createLegacyTable(knex);
    const legacy = {
      action: 'discard',
      entity_ref: 'component:default/svc-ledger',
      queue: 'critical',
      redis_key: 'k-old',
      message_id: 'm-old',
      actor: 'ledger.raise_fraud_alert',
      reason: 'resolved by hand',
      user_entity_ref: 'user:default/sofia.marchetti',
      at: new Date(at(5)),
    };
    await knex('dlq_actions').insert(legacy);
    await knex('dlq_actions').insert({
      ...legacy,
      action: 'replay',
      redis_key: 'k-older',
      message_id: null,
      actor: null,
      reason: null,
      at: new Date(at(4)),
    });

    const log = await ActionLog.create(mockServices.database({ knex }));
    const rows = await log.list({
      entityRef: 'component:default/svc-ledger',
      limit: 10,
    });
    expect(rows).toEqual([
      {
        id: expect.any(Number),
        action: 'replay',
        outcome: 'done',
        entityRef: 'component:default/svc-ledger',
        queue: 'critical',
        key: 'k-older',
        by: 'user:default/sofia.marchetti',
        at: at(4),
      },
      {
        id: expect.any(Number),
        action: 'discard',
        outcome: 'done',
        entityRef: 'component:default/svc-ledger',
        queue: 'critical',
        key: 'k-old',
        messageId: 'm-old',
        actor: 'ledger.raise_fraud_alert',
        reason: 'resolved by hand',
        by: 'user:default/sofia.marchetti',
        at: at(5),
      },
    ]);
    expect(rows[0].id).toBeGreaterThan(rows[1].id);

    // New rows follow the old ones, with keys as long as the API accepts.
    const key = `k${'y'.repeat(199)}`;
    const id = await log.start({
      action: 'replay',
      entityRef: 'component:default/svc-ledger',
      queue: 'critical',
      key,
      actor: `ledger.${'z'.repeat(400)}`,
      by: 'user:default/julien.lefevre',
      at: at(6),
    });
    expect(id).toBeGreaterThan(rows[0].id);
    const [newest] = await log.list({
      entityRef: 'component:default/svc-ledger',
      limit: 1,
    });
    expect(newest).toMatchObject({ id, key, outcome: 'pending' });

    // The same shape as a new installation's.
    const fresh = await connect();
    await ActionLog.create(mockServices.database({ knex: fresh }));
    const shape = await shapeOf(knex);
    expect(shape).toEqual(await shapeOf(fresh));
    expect(shape.indexes).toContain('dlq_actions_entity_ref_idx');
    expect(shape.indexes).not.toContain('dlq_actions_actor_idx');
  });

  it('leaves the schema alone when migrations are skipped', async () => {
    const knex = await connect();
    await ActionLog.create(
      mockServices.database({ knex, migrations: { skip: true } }),
    );
    expect(await knex.schema.hasTable('dlq_actions')).toBe(false);
  });
});
