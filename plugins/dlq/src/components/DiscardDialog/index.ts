export { DiscardDialog } from './DiscardDialog';
