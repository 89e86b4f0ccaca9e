import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  createPublishLocalAction,
  readTargetDirectory,
} from './actions/publishLocal';

/** Adds the `publish:local` action to the scaffolder. */
export const scaffolderModuleLocalPublish = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'local-publish',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolderActions: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ scaffolderActions, config }) {
        scaffolderActions.addActions(
          createPublishLocalAction({
            targetDirectory: readTargetDirectory(config),
          }),
        );
      },
    });
  },
});
