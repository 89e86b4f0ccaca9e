import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { LocalPlusRolesPolicy } from './policy/LocalPlusRolesPolicy';
import { readRoleBindings } from './policy/roles';

/** Installs the Local-Plus role policy in the permission backend. */
export const permissionModuleRoles = createBackendModule({
  pluginId: 'permission',
  moduleId: 'local-plus-roles',
  register({ registerInit }) {
    registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ policy, userInfo, config, logger }) {
        const bindings = readRoleBindings(config);
        policy.setPolicy(new LocalPlusRolesPolicy(userInfo, bindings, logger));
      },
    });
  },
});
