import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Dead-letter counts, queue backlogs and the audit trail of replays and
 * discards: no payload. Every role (compliance reviewers see counts).
 */
export const dlqBacklogReadPermission = createPermission({
  name: 'dlq.backlog.read',
  attributes: { action: 'read' },
});

/**
 * The dead letters (arguments, tracebacks, masked) of one catalog entity: a
 * resource permission, so the policy can grant it to the entity's owners
 * (conditionally, through the catalog's rules) besides on-call and admins.
 */
export const dlqMessageReadPermission = createPermission({
  name: 'dlq.message.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * The dead letters of the whole platform (`dramatiq:*`): every team's
 * payloads, so on-call and platform admins only.
 */
export const dlqPlatformReadPermission = createPermission({
  name: 'dlq.platform.read',
  attributes: { action: 'read' },
});

/**
 * Payloads with e-mail addresses, phone numbers, IBANs and secrets shown in
 * clear (card numbers and security codes stay masked for everyone). Each
 * read is audited. No `action` attribute: no role gets it by reading.
 */
export const dlqMessageRevealPermission = createPermission({
  name: 'dlq.message.reveal',
  attributes: {},
});

/** Put a dead letter back on its original queue, retries reset. */
export const dlqMessageReplayPermission = createPermission({
  name: 'dlq.message.replay',
  attributes: { action: 'update' },
});

/** Remove a dead letter for good, with a reason kept in the audit trail. */
export const dlqMessageDiscardPermission = createPermission({
  name: 'dlq.message.discard',
  attributes: { action: 'delete' },
});

export const dlqPermissions = [
  dlqBacklogReadPermission,
  dlqMessageReadPermission,
  dlqPlatformReadPermission,
  dlqMessageRevealPermission,
  dlqMessageReplayPermission,
  dlqMessageDiscardPermission,
];
