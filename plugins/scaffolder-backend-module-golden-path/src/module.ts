import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderTemplatingExtensionPoint } from '@backstage/plugin-scaffolder-node/alpha';
import { createAssertEntityAbsentAction } from './actions/assertEntityAbsent';
import {
  createPublishLocalAction,
  readTargetDirectory,
} from './actions/publishLocal';
import { createPublishLocalSettingsAction } from './actions/publishLocalSettings';
import { createRegisterLocalAction } from './actions/registerLocal';
import { createWaitForEntityAction } from './actions/waitForEntity';
import { goldenPathTemplateFilters } from './templateFilters';
import {
  goldenPathTemplateGlobals,
  readContainerRegistry,
} from './templateGlobals';

/**
 * The scaffolder actions of the golden-path templates (templates/):
 * `publish:local:settings`, `catalog:entity:assert-absent`,
 * `catalog:entity:wait-for`, and — only where local publishing is switched
 * on (`scaffolder.localPublish.enabled` and a `targetDirectory`: development
 * and tests, never production) — `publish:local` and `catalog:register:local`;
 * the template globals `todayUtc()` and `containerRegistry()`
 * (templateGlobals.ts) and the template filters `sqlIdentifier` and
 * `sqlString` (templateFilters.ts).
 */
export const scaffolderModuleGoldenPath = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-path',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        templating: scaffolderTemplatingExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
      },
      async init({ scaffolderActions, templating, config, catalog, logger }) {
        templating.addTemplateGlobals(
          goldenPathTemplateGlobals({
            containerRegistry: readContainerRegistry(config),
          }),
        );
        templating.addTemplateFilters(goldenPathTemplateFilters);

        const targetDirectory = readTargetDirectory(config);
        const localEnabled =
          !!targetDirectory &&
          (config.getOptionalBoolean('scaffolder.localPublish.enabled') ??
            true);
        scaffolderActions.addActions(
          createPublishLocalSettingsAction({ enabled: localEnabled }),
          createAssertEntityAbsentAction({ catalog }),
          createWaitForEntityAction({ catalog }),
        );
        // Writing repositories to, and registering files from, the backend
        // host's disk: not an action a production portal offers at all.
        if (localEnabled) {
          scaffolderActions.addActions(
            createPublishLocalAction({ targetDirectory }),
            createRegisterLocalAction({ targetDirectory, catalog }),
          );
          logger.info(
            `Local publishing is on: publish:local and catalog:register:local write to ${targetDirectory}`,
          );
        }
      },
    });
  },
});
