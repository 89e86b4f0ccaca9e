export { sloPlugin as default } from './plugin';
