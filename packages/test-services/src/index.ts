/**
 * Test tooling only: the services integration tests and benchmarks start
 * or reach, free ports, waiting for a state. Never a dependency of
 * production code (see README.md).
 *
 * @packageDocumentation
 */
export { acceptsConnections, freePort, freePortRange } from './ports';
export { waitFor } from './waitFor';
export type { WaitForOptions } from './waitFor';
export { serviceEnv } from './services';
export { LocalPrometheus } from './prometheus/LocalPrometheus';
export { PrivateRedis } from './redis/PrivateRedis';
export {
  createDatabase,
  dropDatabase,
  sharedPostgres,
  uniqueName,
  withClient,
} from './postgres/databases';
export type { PgServer } from './postgres/databases';
export { PrivatePostgres } from './postgres/PrivatePostgres';
export { testDatabases, testPostgres } from './postgres/testDatabases';
export type { Engine } from './postgres/testDatabases';
export * from './kyverno';
