export { DeadLetterTable, newestFirst } from './DeadLetterTable';
