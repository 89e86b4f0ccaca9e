export { ServicesQueuesCard } from './ServicesQueuesCard';
