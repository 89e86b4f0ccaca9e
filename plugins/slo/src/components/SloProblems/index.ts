export { SloProblems } from './SloProblems';
