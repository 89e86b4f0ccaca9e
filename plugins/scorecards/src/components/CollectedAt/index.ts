export { CollectedAt } from './CollectedAt';
