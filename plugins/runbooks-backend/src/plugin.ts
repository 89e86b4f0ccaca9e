import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { Preparers } from '@backstage/plugin-techdocs-node';
import { runbooksPermissions } from '@internal/plugin-runbooks-common';
import { readErrorSettings } from '@internal/backend-helpers';
import { readRunbooksConfig } from './config';
import { createRouter } from './router';
import { PrometheusAlerts } from './services/PrometheusAlerts';
import { TechDocsRunbookFinder } from './services/RunbookFinder';
import { SloBoardLookup } from './services/SloLookup';

/**
 * The runbooks backend: runbooks found in each entity's TechDocs, firing
 * alerts from Prometheus tied to their runbooks, and the on-call rotation.
 *
 * @public
 */
export const runbooksPlugin = createBackendPlugin({
  pluginId: 'runbooks',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init(deps) {
        const { config, logger, urlReader } = deps;
        // Checked at start-up: a mistake names its key and stops the backend.
        const settings = readRunbooksConfig(config);
        deps.permissionsRegistry.addPermissions(runbooksPermissions);
        const finder = new TechDocsRunbookFinder({
          preparers: await Preparers.fromConfig(config, {
            logger,
            reader: urlReader,
          }),
          logger,
          staleAfterDays: settings.staleAfterDays,
        });
        const alerts = new PrometheusAlerts(settings.prometheus);
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            errorSettings: readErrorSettings(config),
            finder,
            docs: settings.docs,
            alerts,
            slos: new SloBoardLookup({
              auth: deps.auth,
              discovery: deps.discovery,
              logger,
              timeoutMs: settings.prometheus.timeoutMs,
            }),
            onCallGroup: settings.onCallGroup,
          }),
        );
      },
    });
  },
});
