export { behindText, DriftSummary, whyNotUpgradable } from './DriftSummary';
