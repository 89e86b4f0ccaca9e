/**
 * The plugin's database in tests: SQLite (development) and, when the test
 * services run (LOCALPLUS_PG_*), the real PostgreSQL (production), each
 * test database fresh and dropped afterwards. Call `testDatabases()` at the
 * top level of a test file (it registers jest hooks).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  serviceEnv,
  sharedPostgres,
  uniqueName,
} from '@internal/test-services';
import knexFactory, { Knex } from 'knex';

export const pgServer = serviceEnv('LOCALPLUS_PG_HOST')
  ? sharedPostgres()
  : undefined;

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
    const name = uniqueName('dlq_it');
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
