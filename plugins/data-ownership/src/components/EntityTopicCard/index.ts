export { EntityTopicCard } from './EntityTopicCard';
