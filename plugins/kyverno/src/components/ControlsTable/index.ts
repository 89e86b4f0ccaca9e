export { ControlsTable } from './ControlsTable';
