import { createPermission } from '@backstage/plugin-permission-common';

/** Read runbooks, firing alerts and the on-call rotation. */
export const runbooksReadPermission = createPermission({
  name: 'runbooks.read',
  attributes: { action: 'read' },
});

/** Every permission of the runbooks plugin. */
export const runbooksPermissions = [runbooksReadPermission];
