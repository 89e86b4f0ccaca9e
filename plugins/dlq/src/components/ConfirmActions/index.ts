export { ConfirmActions } from './ConfirmActions';
