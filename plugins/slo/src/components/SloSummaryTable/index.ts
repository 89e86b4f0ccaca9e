export { SloSummaryTable } from './SloSummaryTable';
