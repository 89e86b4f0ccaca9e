/**
 * The plugin's database in tests: SQLite (development) and, when the test
 * services run (LOCALPLUS_PG_*), the real PostgreSQL (production), each
 * test database fresh and dropped afterwards. Call `testDatabases()` at the
 * top level of a test file (it registers jest hooks).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';

export const pgServer = process.env.LOCALPLUS_PG_HOST
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

export type Engine = 'SQLite' | 'PostgreSQL';

export function testDatabases(): {
  engines: [Engine, () => Promise<Knex>][];
} {
  const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** A fresh PostgreSQL database, dropped after the tests. */
  async function postgres(): Promise<Knex> {
    const name = `kyverno_it_${process.pid}_${randomBytes(3).toString('hex')}`;
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

  return {
    engines: [
      ['SQLite', () => sqlite.init('SQLITE_3')],
      ...(pgServer
        ? ([['PostgreSQL', postgres]] as [Engine, () => Promise<Knex>][])
        : []),
    ],
  };
}
