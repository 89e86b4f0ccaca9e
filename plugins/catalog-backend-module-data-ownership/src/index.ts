/**
 * Data ownership in the catalog: PostgreSQL tables (read live, or declared)
 * and declared Kafka topics as Resource entities tied to the services that
 * own, produce and consume them, and the rules of seed part VIII.
 *
 * @packageDocumentation
 */
export { catalogModuleDataOwnership as default } from './module';
export { DataOwnershipEntityProvider } from './provider/DataOwnershipEntityProvider';
export { DataOwnershipRulesProcessor } from './processor/DataOwnershipRulesProcessor';
export { PostgresIntrospector } from './postgres/PostgresIntrospector';
export { readDataOwnershipConfig } from './config';
export type { DataOwnershipConfig } from './config';
export type {
  LiveTable,
  LiveColumn,
  TableSource,
} from './postgres/PostgresIntrospector';
