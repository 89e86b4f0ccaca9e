export { ServiceLevels } from './ServiceLevels';
