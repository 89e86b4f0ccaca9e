export { dataOwnershipPlugin as default } from './plugin';
