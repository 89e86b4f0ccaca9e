import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { randomBytes } from 'node:crypto';
import knexFactory, { Knex } from 'knex';
import { ActionLog } from './ActionLog';

/**
 * The audit trail on SQLite (development) and, when the test services run
 * (LOCALPLUS_PG_*), on PostgreSQL (production).
 */
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const pgServer = process.env.LOCALPLUS_PG_HOST
  ? {
      host: process.env.LOCALPLUS_PG_HOST,
      port: Number(process.env.LOCALPLUS_PG_PORT ?? 5432),
      user: process.env.LOCALPLUS_PG_USER ?? 'postgres',
      password: process.env.LOCALPLUS_PG_PASSWORD ?? '',
    }
  : undefined;
if (!pgServer && process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(
    'LOCALPLUS_PG_HOST is not set: run scripts/services.sh start',
  );
}

/** A fresh PostgreSQL database, dropped after the tests. */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});
async function postgres(): Promise<Knex> {
  const name = `dlq_actions_it_${process.pid}_${randomBytes(3).toString(
    'hex',
  )}`;
  const admin = knexFactory({
    client: 'pg',
    connection: { ...pgServer, database: 'postgres' },
  });
  await admin.raw(`CREATE DATABASE ${name}`);
  const knex = knexFactory({
    client: 'pg',
    connection: { ...pgServer, database: name },
  });
  cleanups.push(async () => {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  });
  return knex;
}

const engines: [string, () => Promise<Knex>][] = [
  ['SQLite', () => databases.init('SQLITE_3')],
  ...(pgServer
    ? ([['PostgreSQL', postgres]] as [string, () => Promise<Knex>][])
    : []),
];

describe.each(engines)('ActionLog on %s', (_engine, connect) => {
  let knex: Knex;
  let log: ActionLog;

  beforeAll(async () => {
    knex = await connect();
    // Twice: a second replica starting finds the table there.
    await ActionLog.create(mockServices.database({ knex }));
    log = await ActionLog.create(mockServices.database({ knex }));
  });

  const at = (minute: number) =>
    new Date(Date.UTC(2026, 10, 25, 12, minute)).toISOString();

  it('keeps who did what, when and why, and gives it back newest first', async () => {
    await log.record({
      action: 'replay',
      entityRef: 'component:default/svc-ledger',
      queue: 'critical',
      key: 'k-1',
      messageId: 'm-1',
      actor: 'ledger.rollback_transaction',
      by: 'user:default/julien.lefevre',
      at: at(1),
    });
    await log.record({
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
    await log.record({
      action: 'discard',
      entityRef: 'resource:default/dramatiq-dead-letter',
      queue: 'default',
      key: 'k-3',
      reason: 'truncated write during the failover',
      by: 'user:default/sofia.marchetti',
      at: at(3),
    });
    await log.record({
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
});
