export { StatusLabel, STATUS_LABELS } from './StatusLabel';
