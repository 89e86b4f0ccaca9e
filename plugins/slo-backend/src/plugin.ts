import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { sloPermissions } from '@internal/plugin-slo-common';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';
import { SloService } from './services/SloService';
import { SpecEvaluator } from './services/SpecEvaluator';
import { SloSpecLoader } from './services/specs/SloSpecLoader';

/**
 * SLOs, error budgets and burn rates from Sloth's recording rules and from
 * the SLO specs (Sloth, OpenSLO) entities point to, in one or more
 * Prometheus servers.
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
        urlReader: coreServices.urlReader,
        cache: coreServices.cache,
        catalog: catalogServiceRef,
      },
      async init({
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        config,
        urlReader,
        cache,
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
        const windowDays = config.getOptionalNumber('slo.windowDays') ?? 30;
        const slos = new SloService({
          reader: new SloReader(servers, windowDays),
          evaluator: new SpecEvaluator(servers, windowDays),
          loader: new SloSpecLoader({ urlReader, cache }),
        });
        httpRouter.use(
          await createRouter({ httpAuth, permissions, catalog, slos }),
        );
      },
    });
  },
});
