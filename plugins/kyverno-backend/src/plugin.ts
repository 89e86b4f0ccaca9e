import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readErrorSettings } from '@internal/backend-helpers';
import { kyvernoPermissions } from '@internal/plugin-kyverno-common';
import { readKyvernoConfig } from './config';
import { createRouter } from './router';
import { ClusterReader } from './services/ClusterReader';
import { KubernetesProxyClient } from './services/KubernetesProxyClient';
import { PolicyCatalogue } from './services/PolicyCatalogue';
import { ReportService } from './services/ReportService';
import { Snapshotter } from './services/Snapshotter';
import { SnapshotStore } from './services/SnapshotStore';

/**
 * Kyverno policy reports of every cluster the Kubernetes plugin knows:
 * snapshotted on a schedule into the plugin's database, shown per entity
 * and platform-wide by PCI-DSS, SOC2 and GDPR control, exported as
 * evidence.
 *
 * @public
 */
export const kyvernoPlugin = createBackendPlugin({
  pluginId: 'kyverno',
  register(env) {
    env.registerInit({
      deps: {
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
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
        // Checked at start-up: a mistake names its key or file and stops the backend.
        const settings = readKyvernoConfig(config);
        const policies = await PolicyCatalogue.load(
          settings.policiesDirectory,
          settings.controlsFile,
        );
        deps.permissionsRegistry.addPermissions(kyvernoPermissions);
        const store = await SnapshotStore.create(deps.database);
        const client = new KubernetesProxyClient({
          discovery: deps.discovery,
          auth: deps.auth,
          timeoutMs: settings.requestTimeoutMs,
        });
        const snapshotter = new Snapshotter({
          client,
          reader: new ClusterReader(client, settings.pageSize),
          store,
          policies,
          logger,
          retentionDays: settings.retentionDays,
          fullHistoryDays: settings.fullHistoryDays,
        });
        await deps.scheduler.scheduleTask({
          id: 'kyverno-snapshot',
          frequency: { minutes: settings.frequencyMinutes },
          timeout: { minutes: 10 },
          // The Kubernetes plugin answers once the backend listens.
          initialDelay: { seconds: settings.initialDelaySeconds },
          fn: async () => {
            await snapshotter.take();
          },
        });
        const reports = new ReportService({
          store,
          policies,
          catalog: deps.catalog,
          docsPath: settings.docsPath,
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            reports,
            store,
            logger,
            retentionDays: settings.retentionDays,
            errorSettings: readErrorSettings(config),
          }),
        );
      },
    });
  },
});
