/**
 * The data-ownership fixture on real PostgreSQL for the integration tests:
 * fresh databases holding fixtures/local-plus-tables.sql on the test
 * PostgreSQL of scripts/services.sh (LOCALPLUS_PG_*). The server and
 * connection helpers (sharedPostgres, withClient, PrivatePostgres…) are in
 * @internal/test-services.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createDatabase, PgServer, serviceEnv } from '@internal/test-services';
import fs from 'node:fs';

export const FIXTURE_SQL = fs.readFileSync(
  resolvePackagePath(
    '@internal/plugin-catalog-backend-module-data-ownership',
    'fixtures/local-plus-tables.sql',
  ),
  'utf8',
);

// In CI (scripts/test.sh) a missing database fails the run; it never skips.
export const havePostgres = Boolean(serviceEnv('LOCALPLUS_PG_HOST'));
export const describeWithPostgres = havePostgres ? describe : describe.skip;

/** Creates a database holding the fixture's tables; returns its name. */
export function createFixtureDatabase(
  server: PgServer,
  extraSql = '',
): Promise<string> {
  return createDatabase(server, 'dataownership_it', FIXTURE_SQL, extraSql);
}
