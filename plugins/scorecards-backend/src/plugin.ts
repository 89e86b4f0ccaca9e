import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readErrorSettings } from '@internal/backend-helpers';
import { scorecardsPermissions } from '@internal/plugin-scorecards-common';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { readScorecardsConfig } from './config';
import { createRouter } from './router';
import { FactCollector } from './services/FactCollector';
import { PluginSources } from './services/PluginSources';
import { ScorecardService } from './services/ScorecardService';
import { ScoreStore } from './services/ScoreStore';

/**
 * Production-readiness scorecards: every service's facts collected on a
 * schedule (once per period across replicas) from the catalog, Prometheus
 * and the portal's SLO, runbooks, Kyverno, dead-letter and TechDocs
 * plugins; checked with json-rules-engine; kept with a retention for the
 * trend.
 *
 * @public
 */
export const scorecardsPlugin = createBackendPlugin({
  pluginId: 'scorecards',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger } = deps;
        // Checked at start-up: a mistake names its key and stops the backend.
        const settings = readScorecardsConfig(config);
        deps.permissionsRegistry.addPermissions(scorecardsPermissions);
        const store = await ScoreStore.create(deps.database);
        const scorecards = new ScorecardService({
          collector: new FactCollector({
            catalog: deps.catalog,
            auth: deps.auth,
            sources: new PluginSources({
              discovery: deps.discovery,
              auth: deps.auth,
              timeoutMs: settings.requestTimeoutMs,
            }),
            prometheus:
              settings.prometheus &&
              new PrometheusHttpClient(settings.prometheus),
            logger,
            concurrency: settings.concurrency,
          }),
          store,
          logger,
          retentionDays: settings.retentionDays,
          detailDays: settings.detailDays,
        });
        await deps.scheduler.scheduleTask({
          id: 'scorecards-collect',
          frequency: { minutes: settings.frequencyMinutes },
          timeout: { minutes: 15 },
          // The other plugins answer once the backend listens.
          initialDelay: { seconds: settings.initialDelaySeconds },
          fn: async () => {
            await scorecards.collect();
          },
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            catalog: deps.catalog,
            scorecards,
            logger,
            retentionDays: settings.retentionDays,
            frequencyMinutes: settings.frequencyMinutes,
            errorSettings: readErrorSettings(config),
          }),
        );
      },
    });
  },
});
