import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { Masker } from '@internal/backend-helpers';
import { dlqPermissions } from '@internal/plugin-dlq-common';
import { readDeadLettersConfig, redactUrl } from './config';
import { createRouter } from './router';
import { ActionLog } from './services/ActionLog';
import { BulkJobs } from './services/BulkJobs';
import { createStoreOf } from './services/storeOf';
import { BullmqDeadLetters } from './services/BullmqDeadLetters';
import { DramatiqDeadLetters } from './services/DramatiqDeadLetters';
import { ValkeyConnection } from './services/ValkeyConnection';

/**
 * Dead letters of the Dramatiq task queues, from the broker's Valkey: list
 * them per entity, replay or discard them (declared permissions, checked
 * against the user), with an audit trail in the plugin's database.
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

        let deadLetters:
          | { dramatiq: DramatiqDeadLetters; bullmq: BullmqDeadLetters }
          | undefined;
        if (settings.redis) {
          const connection = new ValkeyConnection({
            ...settings.redis,
            logger,
          });
          lifecycle.addShutdownHook(() => connection.close());
          const bullmq = new BullmqDeadLetters({
            connection,
            links: settings.links,
          });
          lifecycle.addShutdownHook(() => bullmq.close());
          deadLetters = {
            dramatiq: new DramatiqDeadLetters({
              connection,
              namespace: settings.namespace,
              queues: settings.queues,
              deadMessageTtlMs: settings.deadMessageTtlMs,
              links: settings.links,
              ...settings.listing,
            }),
            bullmq,
          };
          logger.info(
            `Dead letters from ${redactUrl(settings.redis.url)}, keys ${
              settings.namespace
            }:<queue>.XQ for ${settings.queues.join(
              ', ',
            )}; BullMQ services' from <service>:dead-letter`,
          );
        } else {
          logger.warn(
            'deadLetters.redis.url is not set: the dead-letter routes answer 503 until it is',
          );
        }

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
            storeOf: createStoreOf(deadLetters),
            masker: new Masker(settings.masking),
          }),
        );
      },
    });
  },
});
