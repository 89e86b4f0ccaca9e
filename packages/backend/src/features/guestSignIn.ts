import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';
import guestProvider from '@backstage/plugin-auth-backend-module-guest-provider';

/**
 * Guest sign-in exists only where the config declares it: app-config.yaml
 * (development) does; app-config.production.yaml sets
 * `auth.providers.guest: null`, which removes the key, so a production
 * backend has no guest provider at all, whatever NODE_ENV says. (The
 * guest module itself would stop the backend if loaded without its key.)
 */
export const guestSignIn = createBackendFeatureLoader({
  deps: { config: coreServices.rootConfig },
  *loader({ config }) {
    if (config.has('auth.providers.guest')) {
      yield guestProvider;
    }
  },
});
