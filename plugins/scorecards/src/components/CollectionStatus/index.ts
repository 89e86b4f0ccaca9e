export { CollectionStatus } from './CollectionStatus';
