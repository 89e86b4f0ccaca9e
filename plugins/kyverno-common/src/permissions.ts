import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read policy-report results: every role that reads the catalog reads them
 * (an `action: read` permission, like the other plugins' read permissions).
 */
export const kyvernoReadPermission = createPermission({
  name: 'kyverno.reports.read',
  attributes: { action: 'read' },
});

/**
 * Export a snapshot or a date range of results as evidence (CSV, JSON).
 * Not a read: it leaves the portal as a file, so only compliance reviewers
 * and platform admins hold it, and every export is audited.
 */
export const kyvernoExportPermission = createPermission({
  name: 'kyverno.evidence.export',
  attributes: {},
});

export const kyvernoPermissions = [
  kyvernoReadPermission,
  kyvernoExportPermission,
];
