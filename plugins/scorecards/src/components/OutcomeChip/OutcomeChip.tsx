import { CheckOutcome } from '@internal/plugin-scorecards-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/**
 * Pass in dark green on light green (7.0:1), fail in white on dark red
 * (6.6:1); unknown is outlined. The word is always there, the colour only
 * repeats it.
 */
export const OUTCOME_COLORS = {
  pass: { backgroundColor: '#E8F5E9', color: '#1B5E20' },
  fail: { backgroundColor: '#B71C1C', color: '#FFFFFF' },
} as const;

const LABELS: Record<CheckOutcome, string> = {
  pass: 'Pass',
  fail: 'Fail',
  unknown: 'Unknown',
};

// Doubled classes: they win over the Chip's own colours.
const useStyles = makeStyles(theme => ({
  pass: { '&&': OUTCOME_COLORS.pass },
  fail: { '&&': OUTCOME_COLORS.fail },
  unknown: {
    '&&': {
      color: theme.palette.text.primary,
      borderColor: theme.palette.text.primary,
    },
  },
}));

/** What a check said: Pass, Fail or Unknown (its source could not be read). */
export function OutcomeChip({ outcome }: { outcome: CheckOutcome }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={LABELS[outcome]}
      variant={outcome === 'unknown' ? 'outlined' : 'default'}
      className={classes[outcome]}
      data-outcome={outcome}
    />
  );
}
