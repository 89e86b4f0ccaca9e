import { LoggerService, UserInfoService } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { ROLE_GRANTS, RoleBindings, grantAnswer, rolesOf } from './roles';

/**
 * Grants permissions by role. A user's roles come from the catalog groups
 * (and user references) they own, as bound in `permission.roleBindings`.
 * A user with no role is refused everything; so is a request with no user.
 * A role that holds a catalog-entity permission only for what it owns gets
 * a conditional decision: the catalog applies IS_ENTITY_OWNER with the
 * user's ownership references to the entity asked about.
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
    const answers = roles.map(role =>
      grantAnswer(ROLE_GRANTS[role], request.permission),
    );
    if (answers.includes('allow')) return { result: AuthorizeResult.ALLOW };
    if (
      answers.includes('owned') &&
      isResourcePermission(request.permission, RESOURCE_TYPE_CATALOG_ENTITY)
    ) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    this.logger.debug(
      `Denied ${request.permission.name} to ${userEntityRef} (roles: ${
        roles.join(', ') || 'none'
      })`,
    );
    return { result: AuthorizeResult.DENY };
  }
}
