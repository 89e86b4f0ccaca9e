import { createPermission } from '@backstage/plugin-permission-common';

/** See the dead letters of a service or of the whole platform. */
export const dlqMessageReadPermission = createPermission({
  name: 'dlq.message.read',
  attributes: { action: 'read' },
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
  dlqMessageReadPermission,
  dlqMessageReplayPermission,
  dlqMessageDiscardPermission,
];
