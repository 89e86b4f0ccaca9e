export { OutcomeChip, OUTCOME_COLORS } from './OutcomeChip';
