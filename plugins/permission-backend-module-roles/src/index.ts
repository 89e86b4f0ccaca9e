/**
 * The Local-Plus role policy for @backstage/plugin-permission-backend.
 *
 * @packageDocumentation
 */
export { permissionModuleRoles as default } from './module';
export { ROLES, ROLE_GRANTS } from './policy/roles';
export type { Role } from './policy/roles';
