export { ActionButton, permissionHint } from './ActionButton';
export type { ActionPermission } from './ActionButton';
