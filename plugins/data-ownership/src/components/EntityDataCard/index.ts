export { EntityDataCard } from './EntityDataCard';
