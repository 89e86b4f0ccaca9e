import { createPermission } from '@backstage/plugin-permission-common';

/** Read SLOs, error budgets and burn rates. */
export const sloReadPermission = createPermission({
  name: 'slo.read',
  attributes: { action: 'read' },
});

export const sloPermissions = [sloReadPermission];
