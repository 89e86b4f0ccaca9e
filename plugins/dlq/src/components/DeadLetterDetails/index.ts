export { DeadLetterDetails } from './DeadLetterDetails';
