import { DriftStatus } from '@internal/plugin-template-upgrades-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import { COLOURS } from '../colours';

export const STATUS_LABELS: Record<DriftStatus, string> = {
  behind: 'Behind',
  current: 'Up to date',
  'unknown-version': 'Unknown release',
  'not-upgradable': 'Not upgradable',
};

// Doubled classes: they win over the Chip's own colours.
const useStyles = makeStyles(theme => ({
  behind: { '&&': COLOURS.behind },
  current: { '&&': COLOURS.current },
  other: {
    '&&': {
      color: theme.palette.text.primary,
      borderColor: theme.palette.text.primary,
    },
  },
}));

/** Where a service stands, in words: Behind, Up to date, Unknown release, Not upgradable. */
export function StatusLabel({ status }: { status: DriftStatus }) {
  const classes = useStyles();
  const coloured = status === 'behind' || status === 'current';
  return (
    <Chip
      size="small"
      label={STATUS_LABELS[status] ?? status}
      variant={coloured ? 'default' : 'outlined'}
      className={coloured ? classes[status] : classes.other}
      data-status={status}
    />
  );
}
