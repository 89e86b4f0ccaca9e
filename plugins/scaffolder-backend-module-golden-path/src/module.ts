import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createAssertEntityAbsentAction } from './actions/assertEntityAbsent';
import {
  createPublishLocalAction,
  readTargetDirectory,
} from './actions/publishLocal';
import { createPublishLocalSettingsAction } from './actions/publishLocalSettings';
import { createRegisterLocalAction } from './actions/registerLocal';

/**
 * The scaffolder actions of the golden-path templates (templates/):
 * `publish:local`, `publish:local:settings`, `catalog:register:local` and
 * `catalog:entity:assert-absent`.
 */
export const scaffolderModuleGoldenPath = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'golden-path',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolderActions, config, catalog }) {
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
