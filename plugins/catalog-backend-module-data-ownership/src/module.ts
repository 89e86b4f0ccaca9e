import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { readDataOwnershipConfig } from './config';
import { CatalogLookup } from './processor/CatalogLookup';
import { DataOwnershipRulesProcessor } from './processor/DataOwnershipRulesProcessor';
import { DataOwnershipEntityProvider } from './provider/DataOwnershipEntityProvider';

/**
 * Data ownership in the catalog: tables read live from PostgreSQL (or
 * declared), Kafka topics declared and read live from the cluster, and the
 * rules that tie them to their owning services. Configured under
 * `dataOwnership` (see config.d.ts).
 */
export const catalogModuleDataOwnership = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'data-ownership',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        processing: catalogProcessingExtensionPoint,
      },
      async init({ config, logger, scheduler, auth, catalog, processing }) {
        const settings = readDataOwnershipConfig(config);
        const lookup = new CatalogLookup(
          catalog,
          auth,
          settings.lookupCacheSeconds * 1000,
        );
        const provider: DataOwnershipEntityProvider =
          new DataOwnershipEntityProvider({
            config: settings,
            logger,
            taskRunner: scheduler.createScheduledTaskRunner(settings.schedule),
            kafkaTopicsDeclaredElsewhere: () =>
              lookup.kafkaTopicsDeclaredElsewhere(ref =>
                provider.isOwnLocation(ref),
              ),
          });
        processing.addEntityProvider(provider);
        processing.addProcessor(
          new DataOwnershipRulesProcessor(
            lookup,
            logger,
            // A service that appears or changes owner: its tables and topics
            // are processed again now, not at the next processing cycle.
            service =>
              provider
                .refreshService(service)
                .catch(error =>
                  logger.warn(
                    `Could not refresh the data of ${service}: ${error}`,
                  ),
                ),
          ),
        );
        const { kafka } = settings;
        logger.info(
          `Data ownership: ${settings.databases.length} live databases, ${
            settings.declared.tables.length
          } table and ${settings.declared.topics.length} topic spec files, ${
            kafka.enabled
              ? `topics read live from Kafka cluster ${kafka.name}`
              : 'no Kafka cluster read live'
          }`,
        );
      },
    });
  },
});
