export { NoSloYet } from './NoSloYet';
