export { BurnRatesCard } from './BurnRatesCard';
