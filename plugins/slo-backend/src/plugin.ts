import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readErrorSettings } from '@internal/backend-helpers';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { sloPermissions } from '@internal/plugin-slo-common';
import { readSloConfig } from './config';
import { createRouter } from './router';
import { SloReader } from './services/SloReader';
import { SloService } from './services/SloService';
import { SourceErrors } from './services/sourceErrors';
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
        logger: coreServices.logger,
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
        logger,
        urlReader,
        cache,
        catalog,
      }) {
        // Checked at start-up: a mistake names its key and stops the backend.
        const { windowDays, prometheus } = readSloConfig(config);
        permissionsRegistry.addPermissions(sloPermissions);
        const errorSettings = readErrorSettings(config);
        const errors = new SourceErrors({ settings: errorSettings, logger });
        const servers = prometheus.map(server => ({
          name: server.name,
          client: new PrometheusHttpClient(server),
        }));
        const slos = new SloService({
          reader: new SloReader(servers, windowDays, { errors }),
          evaluator: new SpecEvaluator(servers, windowDays, { errors }),
          loader: new SloSpecLoader({ urlReader, cache }),
          errors,
        });
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            slos,
            logger,
            errorSettings,
          }),
        );
      },
    });
  },
});
