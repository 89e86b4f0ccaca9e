export { QueueBacklogTable, backlogState } from './QueueBacklog';
