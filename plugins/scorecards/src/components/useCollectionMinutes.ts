import { configApiRef, useApi } from '@backstage/frontend-plugin-api';

/** The backend's default schedule (plugins/scorecards-backend/src/config.ts). */
export const DEFAULT_COLLECTION_MINUTES = 30;

/**
 * How often the backend collects every service's facts: its
 * `scorecards.frequencyMinutes` when the app's config shows it to the
 * frontend, else the backend's default.
 */
export function useCollectionMinutes(): number {
  const config = useApi(configApiRef);
  return (
    config.getOptionalNumber('scorecards.frequencyMinutes') ??
    DEFAULT_COLLECTION_MINUTES
  );
}
