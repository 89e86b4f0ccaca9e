/**
 * A plugin's database in tests: SQLite (development) and, when the test
 * services run (LOCALPLUS_PG_*), the real PostgreSQL (production), each
 * test database fresh and dropped afterwards. Call `testDatabases(prefix)`
 * at the top level of a test file (it registers jest hooks).
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { serviceEnv } from '../services';
import { sharedPostgres, uniqueName } from './databases';

/** The test services' PostgreSQL, when they run. */
export const testPostgres = serviceEnv('LOCALPLUS_PG_HOST')
  ? sharedPostgres()
  : undefined;

export type Engine = 'SQLite' | 'PostgreSQL';

/** Each engine the tests should run on, with a function giving a fresh database. */
export function testDatabases(prefix: string): {
  engines: [Engine, () => Promise<Knex>][];
} {
  const sqlite = TestDatabases.create({ ids: ['SQLITE_3'] });
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** A fresh PostgreSQL database, dropped after the tests. */
  async function postgres(): Promise<Knex> {
    const name = uniqueName(prefix);
    const admin = knexFactory({
      client: 'pg',
      connection: { ...testPostgres, database: 'postgres' },
    });
    await admin.raw(`CREATE DATABASE ${name}`);
    const knex = knexFactory({
      client: 'pg',
      connection: { ...testPostgres, database: name },
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
      ...(testPostgres
        ? ([['PostgreSQL', postgres]] as [Engine, () => Promise<Knex>][])
        : []),
    ],
  };
}
