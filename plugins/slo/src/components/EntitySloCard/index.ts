export { EntitySloCard, SloSummary } from './EntitySloCard';
