import Chip from '@material-ui/core/Chip';

const COLORS: Record<string, 'primary' | 'secondary' | 'default'> = {
  page: 'secondary',
  ok: 'default',
  critical: 'secondary',
  ticket: 'primary',
  warning: 'primary',
};

/** A small label for a runbook's or an alert's severity. */
export function SeverityChip({ severity }: { severity?: string }) {
  if (!severity) return null;
  return (
    <Chip size="small" label={severity} color={COLORS[severity] ?? 'default'} />
  );
}
