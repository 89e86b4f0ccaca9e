export { hasNoResults, NoPolicyReport } from './NoPolicyReport';
