export { runbooksPlugin as default } from './plugin';
