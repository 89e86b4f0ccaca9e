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
import {
  goldenPathTemplateGlobals,
  readContainerRegistry,
} from './templateGlobals';

/**
 * The scaffolder actions of the golden-path templates (templates/):
 * `publish:local`, `publish:local:settings`, `catalog:register:local` and
 * `catalog:entity:assert-absent`; and the template globals `todayUtc()` and
 * `containerRegistry()` (templateGlobals.ts).
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
      },
      async init({ scaffolderActions, templating, config, catalog }) {
        templating.addTemplateGlobals(
          goldenPathTemplateGlobals({
            containerRegistry: readContainerRegistry(config),
          }),
        );
        const targetDirectory = readTargetDirectory(config);
        const localEnabled =
          !!targetDirectory &&
          (config.getOptionalBoolean('scaffolder.localPublish.enabled') ??
            true);
        scaffolderActions.addActions(
          createPublishLocalAction({ targetDirectory }),
          createPublishLocalSettingsAction({ enabled: localEnabled }),
          createRegisterLocalAction({ targetDirectory, catalog }),
          createAssertEntityAbsentAction({ catalog }),
        );
      },
    });
  },
});
