export { isNotScored, NotScoredYet } from './NotScoredYet';
