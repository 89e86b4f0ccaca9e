export { DeadLetterFilters } from './DeadLetterFilters';
