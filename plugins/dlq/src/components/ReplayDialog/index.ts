export { ReplayDialog } from './ReplayDialog';
