/*
 * The Local-Plus Developer Portal backend. Its features are listed in
 * features.ts (the security tests start the same list).
 * Configuration: app-config.yaml (embedded defaults), app-config.production.yaml.
 */
import { createBackend } from '@backstage/backend-defaults';
import { portalFeatures } from './features';

const backend = createBackend();
for (const feature of portalFeatures) {
  backend.add(feature);
}

// A plugin that fails to start (a missing config key, a database that cannot
// be reached) stops the process, so that an orchestrator sees the failure
// instead of a backend that never becomes ready.
backend.start().catch(error => {
  // eslint-disable-next-line no-console
  console.error(`Backend failed to start: ${error?.stack ?? error}`);
  process.exit(1);
});
