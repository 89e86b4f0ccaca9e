import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { Preparers } from '@backstage/plugin-techdocs-node';
import {
  DEFAULT_STALE_AFTER_DAYS,
  runbooksPermissions,
} from '@internal/plugin-runbooks-common';
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
        cache: coreServices.cache,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
      },
      async init(deps) {
        const { config, logger, urlReader } = deps;
        deps.permissionsRegistry.addPermissions(runbooksPermissions);

        const staleAfterDays =
          config.getOptionalNumber('runbooks.staleAfterDays') ??
          DEFAULT_STALE_AFTER_DAYS;
        const timeoutMs =
          config.getOptionalNumber('runbooks.prometheus.timeoutMs') ?? 5000;
        const finder = new TechDocsRunbookFinder({
          preparers: await Preparers.fromConfig(config, {
            logger,
            reader: urlReader,
          }),
          logger,
          staleAfterDays,
        });
        const alerts = new PrometheusAlerts({
          baseUrl: config.getOptionalString('runbooks.prometheus.baseUrl'),
          timeoutMs,
        });

        deps.httpRouter.use(
          await createRouter({
            ...deps,
            finder,
            alerts,
            slos: new SloBoardLookup({
              auth: deps.auth,
              discovery: deps.discovery,
              logger,
              timeoutMs,
            }),
            onCallGroup:
              config.getOptionalString('runbooks.onCallGroup') ??
              'group:default/on-call',
          }),
        );
      },
    });
  },
});
