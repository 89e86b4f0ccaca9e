import { LoggerService, UserInfoService } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { ROLE_GRANTS, RoleBindings, grantAllows, rolesOf } from './roles';

/**
 * Grants permissions by role. A user's roles come from the catalog groups
 * (and user references) they own, as bound in `permission.roleBindings`.
 * A user with no role is refused everything; so is a request with no user.
 */
export class LocalPlusRolesPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly bindings: RoleBindings,
    private readonly logger: LoggerService,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { userEntityRef, ownershipEntityRefs } =
      await this.userInfo.getUserInfo(user.credentials);
    const roles = rolesOf(this.bindings, ownershipEntityRefs);
    const allowed = roles.some(role =>
      grantAllows(ROLE_GRANTS[role], request.permission),
    );
    if (!allowed) {
      this.logger.debug(
        `Denied ${request.permission.name} to ${userEntityRef} (roles: ${
          roles.join(', ') || 'none'
        })`,
      );
    }
    return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
  }
}
