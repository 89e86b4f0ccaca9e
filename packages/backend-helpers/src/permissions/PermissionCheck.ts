import {
  BackstageCredentials,
  BackstagePrincipalTypes,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizePermissionRequest,
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';

/** Who may call a route: signed-in users, and the portal's own plugins. */
export type Caller = 'user' | 'service';

/**
 * The permission checks of a plugin's routes, always against the caller's
 * credentials (never the plugin's own identity), through the permissions
 * service:
 *
 * - `credentials(req, permission, refusal)`: the request's credentials (a
 *   user's unless told otherwise; 401 without), once the permission is
 *   granted to them; else a NotAllowedError (403) saying `refusal`.
 * - `authorize(credentials, permission, refusal, resourceRef?)`: the same
 *   for credentials already read, e.g. once the entity of a resource
 *   permission is known, or inside an audited attempt.
 * - `allows(credentials, permission, resourceRef?)`: the decision itself,
 *   for answers that depend on it (payloads shown or hidden).
 */
export class PermissionCheck {
  private readonly httpAuth: HttpAuthService;
  private readonly permissions: PermissionsService;

  constructor(options: {
    httpAuth: HttpAuthService;
    permissions: PermissionsService;
  }) {
    this.httpAuth = options.httpAuth;
    this.permissions = options.permissions;
  }

  /**
   * Whether the permission is granted to the credentials: a resource
   * permission on `resourceRef`, or, without one, as a basic permission.
   */
  async allows(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    resourceRef?: string,
  ): Promise<boolean> {
    const request: AuthorizePermissionRequest =
      permission.type === 'resource' && resourceRef
        ? { permission, resourceRef }
        : { permission: permission as BasicPermission };
    const [decision] = await this.permissions.authorize([request], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws a NotAllowedError saying `refusal` unless the permission is granted. */
  async authorize(
    credentials: BackstageCredentials,
    permission: BasicPermission | ResourcePermission,
    refusal: string,
    resourceRef?: string,
  ): Promise<void> {
    if (!(await this.allows(credentials, permission, resourceRef))) {
      throw new NotAllowedError(refusal);
    }
  }

  /**
   * The request's credentials, of the callers `allow` names (users only by
   * default), once the permission is granted to them.
   */
  async credentials<TAllowed extends Caller = 'user'>(
    req: Request,
    permission: BasicPermission,
    refusal: string,
    allow: TAllowed[] = ['user' as TAllowed],
  ): Promise<BackstageCredentials<BackstagePrincipalTypes[TAllowed]>> {
    const credentials = await this.httpAuth.credentials(req, { allow });
    await this.authorize(credentials, permission, refusal);
    return credentials;
  }
}
