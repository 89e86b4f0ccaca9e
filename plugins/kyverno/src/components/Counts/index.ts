export { OutcomeCountsTable, SeverityCountsTable } from './Counts';
