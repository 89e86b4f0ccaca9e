export { EntityScorecardCard, useEntityScorecard } from './EntityScorecardCard';
