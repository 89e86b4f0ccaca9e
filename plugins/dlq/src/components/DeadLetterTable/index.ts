export { DeadLetterTable, newestFirst, selectionKey } from './DeadLetterTable';
