export { dataOwnershipPlugin as default } from './plugin';
/** Where the catalog module writes findings, and how they are read. */
export {
  ANNOTATION_DATA_FINDINGS,
  RELATION_PRODUCED_BY,
  RELATION_TABLE_OWNED_BY,
  readFindings,
} from '@internal/plugin-data-ownership-common';
export type { DataFinding } from '@internal/plugin-data-ownership-common';
