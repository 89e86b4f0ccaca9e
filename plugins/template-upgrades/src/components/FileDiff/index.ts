export { FileDiff, diffLineKind, diffLines } from './FileDiff';
