export { countOutcomes, nextStep, ScorecardSummary } from './ScorecardSummary';
