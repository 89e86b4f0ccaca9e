export { EntityDeadLettersContent } from './EntityDeadLettersContent';
