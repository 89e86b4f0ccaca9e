import { ReactNode } from 'react';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';

/** What `usePermission` said about an action. */
export interface ActionPermission {
  loading: boolean;
  allowed: boolean;
  /** e.g. `dlq.message.replay` */
  name: string;
}

export function permissionHint(permission: ActionPermission) {
  if (permission.loading) return 'Checking your permissions…';
  return permission.allowed
    ? undefined
    : `Needs the on-call role: ${permission.name}`;
}

/**
 * A row action that stays visible when the user may not use it, disabled,
 * saying which permission it needs.
 */
export function ActionButton(props: {
  permission: ActionPermission;
  /** Another request is running. */
  busy: boolean;
  label: string;
  /** Names the dead letter, for screen readers. */
  ariaLabel: string;
  icon?: ReactNode;
  onClick: () => void;
}) {
  const { permission, busy, label, ariaLabel, icon, onClick } = props;
  const hint = permissionHint(permission);
  const button = (
    <Button
      size="small"
      variant="outlined"
      startIcon={icon}
      disabled={Boolean(hint) || busy}
      onClick={onClick}
      aria-label={ariaLabel}
    >
      {label}
    </Button>
  );
  if (!hint) return button;
  // A disabled button gets no mouse events: the tooltip listens on a wrapper.
  return (
    <Tooltip title={hint}>
      <span>{button}</span>
    </Tooltip>
  );
}
