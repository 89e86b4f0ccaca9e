export { QueueDepths, StateChip } from './QueueDepths';
export { queueState, worstState } from './queueState';
export type { QueueState } from './queueState';
