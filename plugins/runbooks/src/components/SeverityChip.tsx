import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/**
 * What pages someone: white on a dark red, 6.6:1 (the theme's secondary and
 * error colours give white text less than 4.5:1). The label says it too.
 */
const PAGE_COLORS = { backgroundColor: '#B71C1C', color: '#FFFFFF' };

// Doubled class: wins over the Chip's own colours whatever the style order.
const useStyles = makeStyles({ page: { '&&': PAGE_COLORS } });

const PAGING = new Set(['page', 'critical']);
const TICKET = new Set(['ticket', 'warning']);

/** A small label for a runbook's or an alert's severity. */
export function SeverityChip({ severity }: { severity?: string }) {
  const classes = useStyles();
  if (!severity) return null;
  if (PAGING.has(severity)) {
    return (
      <Chip
        size="small"
        label={severity}
        className={classes.page}
        data-severity={severity}
      />
    );
  }
  return (
    <Chip
      size="small"
      label={severity}
      color={TICKET.has(severity) ? 'primary' : 'default'}
      data-severity={severity}
    />
  );
}
