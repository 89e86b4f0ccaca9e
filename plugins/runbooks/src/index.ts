export { runbooksPlugin as default } from './plugin';
export { RunbooksClient, runbooksApiRef } from './api/RunbooksClient';
export type { RunbooksApi } from './api/RunbooksClient';
export type {
  FiringAlert,
  FiringAlerts,
} from '@internal/plugin-runbooks-common';
