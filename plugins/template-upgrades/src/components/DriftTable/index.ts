export { DriftTable, newestNote } from './DriftTable';
