export { BulkDialog, BulkJobsPanel } from './BulkJobs';
export type { BulkTarget } from './BulkJobs';
