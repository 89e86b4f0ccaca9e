export { ControlChips, OpenFor, PolicyGroups } from './PolicyGroups';
