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
 * declared), declared Kafka topics, and the rules that tie them to their
 * owning services. Configured under `dataOwnership` (see config.d.ts).
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
        if (settings.kafka.enabled) {
          // Declared on purpose, not faked: no Kafka client ships with this
          // build, so topics still come from the declared specs only.
          logger.warn(
            'dataOwnership.kafka.enabled is set, but reading topics live from Kafka is not implemented in this build; topics come from dataOwnership.declared.topics only',
          );
        }
        const provider = new DataOwnershipEntityProvider({
          config: settings,
          logger,
          taskRunner: scheduler.createScheduledTaskRunner(settings.schedule),
        });
        processing.addEntityProvider(provider);
        processing.addProcessor(
          new DataOwnershipRulesProcessor(
            new CatalogLookup(
              catalog,
              auth,
              settings.lookupCacheSeconds * 1000,
            ),
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
        logger.info(
          `Data ownership: ${settings.databases.length} live databases, ${settings.declared.tables.length} table and ${settings.declared.topics.length} topic spec files`,
        );
      },
    });
  },
});
