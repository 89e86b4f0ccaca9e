import { createPermission } from '@backstage/plugin-permission-common';

/** See which services are behind and what an upgrade would change. */
export const templateUpgradesReadPermission = createPermission({
  name: 'template-upgrades.read',
  attributes: { action: 'read' },
});

/**
 * Create the upgrade on a service's repository (a branch in development, a
 * pull request on GitHub in production): the owning team and platform
 * admins. A permission on the catalog entity, so the catalog's owner rule
 * decides who owns it.
 */
export const templateUpgradesCreatePermission = createPermission({
  name: 'template-upgrades.create',
  attributes: { action: 'create' },
  resourceType: 'catalog-entity',
});

export const templateUpgradesPermissions = [
  templateUpgradesReadPermission,
  templateUpgradesCreatePermission,
];
