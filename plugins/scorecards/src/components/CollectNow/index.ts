export { CollectNow } from './CollectNow';
