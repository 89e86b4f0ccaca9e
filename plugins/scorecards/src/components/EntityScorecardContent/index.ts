export {
  checksOfLevel,
  EntityScorecardContent,
} from './EntityScorecardContent';
