export { summarize, TrendChart } from './TrendChart';
