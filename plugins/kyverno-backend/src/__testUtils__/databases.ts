/**
 * The plugin's database in tests: SQLite and, when the test services run,
 * PostgreSQL (@internal/test-services' testDatabases), named kyverno_it_*.
 */
import { testDatabases as databasesOf } from '@internal/test-services';

export { testPostgres as pgServer } from '@internal/test-services';
export type { Engine } from '@internal/test-services';

export const testDatabases = () => databasesOf('kyverno_it');
