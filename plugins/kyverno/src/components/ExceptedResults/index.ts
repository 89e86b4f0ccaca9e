export { ExceptedResults } from './ExceptedResults';
