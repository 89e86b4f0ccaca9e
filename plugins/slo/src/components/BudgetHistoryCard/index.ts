export { BudgetHistoryCard } from './BudgetHistoryCard';
