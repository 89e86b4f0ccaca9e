export { EntityDeadLettersCard } from './EntityDeadLettersCard';
