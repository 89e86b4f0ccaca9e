import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { Masker } from '@internal/backend-helpers';
import { dlqPermissions } from '@internal/plugin-dlq-common';
import { readDeadLettersConfig } from './config';
import { createRouter } from './router';
import { ActionLog } from './services/ActionLog';
import { BulkJobs } from './services/BulkJobs';
import { connectBrokers, createStoreOf } from './services/storeOf';

/**
 * Dead letters of the Dramatiq task queues and of the BullMQ services, from
 * the brokers' Valkey: list them per entity, replay or discard them
 * (declared permissions, checked against the user), with an audit trail in
 * the plugin's database.
 *
 * @public
 */
export const dlqPlugin = createBackendPlugin({
  pluginId: 'dlq',
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
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { config, logger, lifecycle } = deps;
        deps.permissionsRegistry.addPermissions(dlqPermissions);
        const settings = readDeadLettersConfig(config);
        const storeOf = createStoreOf(
          connectBrokers(settings, { logger, lifecycle }),
        );

        const actions = await ActionLog.create(deps.database);
        const bulkJobs = await BulkJobs.create({
          knex: actions.knex,
          actions,
          logger,
        });
        // Running bulk jobs stop at shutdown and say they were interrupted.
        lifecycle.addShutdownHook(() => bulkJobs.close());
        deps.httpRouter.use(
          await createRouter({
            ...deps,
            actions,
            bulkJobs,
            bulk: settings.bulk,
            storeOf,
            masker: new Masker(settings.masking),
          }),
        );
      },
    });
  },
});
