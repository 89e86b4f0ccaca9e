export { DIMENSIONS, RollupTable } from './RollupTable';
