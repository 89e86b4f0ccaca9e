import { createPermission } from '@backstage/plugin-permission-common';

/** Read scorecards: per service, rollups, the ranking and the trend. */
export const scorecardsReadPermission = createPermission({
  name: 'scorecards.read',
  attributes: { action: 'read' },
});

/**
 * Collect the facts again now instead of at the next scheduled run. It
 * changes what everyone sees (and calls every source), so it is declared,
 * checked and audited: platform admins by default.
 */
export const scorecardsRefreshPermission = createPermission({
  name: 'scorecards.refresh',
  attributes: { action: 'update' },
});

export const scorecardsPermissions = [
  scorecardsReadPermission,
  scorecardsRefreshPermission,
];
