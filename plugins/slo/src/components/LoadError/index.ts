export { LoadError, messageOf } from './LoadError';
