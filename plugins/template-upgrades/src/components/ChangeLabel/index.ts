export { ChangeLabel, CHANGE_DESCRIPTIONS, CHANGE_LABELS } from './ChangeLabel';
