export { DataOwnershipPage } from './DataOwnershipPage';
