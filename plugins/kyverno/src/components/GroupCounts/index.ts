export { GroupCounts } from './GroupCounts';
export type { Grouping } from './GroupCounts';
