export { EntityColumnsCard } from './EntityColumnsCard';
