import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { sloPermissions } from '@internal/plugin-slo-common';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';

/**
 * SLOs, error budgets and burn rates from Sloth's recording rules in one or
 * more Prometheus servers.
 *
 * @public
 */
export const sloPlugin = createBackendPlugin({
  pluginId: 'slo',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        config,
        catalog,
      }) {
        permissionsRegistry.addPermissions(sloPermissions);
        const servers = (
          config.getOptionalConfigArray('slo.prometheus') ?? []
        ).map(c => ({
          name: c.getString('name'),
          client: new PrometheusHttpClient({
            baseUrl: c.getString('baseUrl'),
            timeoutMs: c.getOptionalNumber('timeoutMs') ?? 5000,
          }),
        }));
        const reader = new SloReader(
          servers,
          config.getOptionalNumber('slo.windowDays') ?? 30,
        );
        httpRouter.use(
          await createRouter({ httpAuth, permissions, catalog, reader }),
        );
      },
    });
  },
});
