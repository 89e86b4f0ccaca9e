import {
  ControlState,
  Outcome,
  Severity,
} from '@internal/plugin-kyverno-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/**
 * Critical and failing: white on a dark red, 6.6:1 (the theme's error colour
 * gives white text 3.7:1, under the 4.5:1 text needs). The label says it too.
 */
export const DANGER_COLORS = { backgroundColor: '#B71C1C', color: '#FFFFFF' };

// Doubled classes: they win over the Chip's own colours whatever the order
// the style sheets load in.
const useStyles = makeStyles(theme => ({
  danger: { '&&': DANGER_COLORS },
  warning: {
    '&&': {
      backgroundColor: theme.palette.warning.main,
      color: theme.palette.warning.contrastText,
    },
  },
  success: {
    '&&': {
      backgroundColor: theme.palette.success.main,
      color: theme.palette.success.contrastText,
    },
  },
  outlined: {
    '&&': {
      color: theme.palette.text.primary,
      borderColor: theme.palette.text.primary,
    },
  },
  plain: {},
}));

type Tone = 'danger' | 'warning' | 'success' | 'outlined' | 'plain';

function ToneChip(props: {
  label: string;
  tone: Tone;
  data: Record<string, string>;
  title?: string;
}) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={props.label}
      title={props.title}
      variant={props.tone === 'outlined' ? 'outlined' : 'default'}
      className={classes[props.tone]}
      {...props.data}
    />
  );
}

const SEVERITY_TONE: Record<Severity, Tone> = {
  critical: 'danger',
  high: 'warning',
  medium: 'plain',
  low: 'plain',
  info: 'plain',
};

/** A policy's severity: critical in dark red, high in the warning colour. */
export function SeverityChip({ severity }: { severity?: Severity }) {
  if (!severity) return null;
  return (
    <ToneChip
      label={severity}
      tone={SEVERITY_TONE[severity] ?? 'plain'}
      data={{ 'data-severity': severity }}
    />
  );
}

const OUTCOME_TONE: Record<Outcome, Tone> = {
  fail: 'danger',
  error: 'danger',
  warn: 'warning',
  excepted: 'outlined',
  skip: 'plain',
  pass: 'success',
};

/** What a result says: fail and error in dark red, warn, excepted... */
export function OutcomeChip({ outcome }: { outcome: Outcome }) {
  return (
    <ToneChip
      label={outcome}
      tone={OUTCOME_TONE[outcome] ?? 'plain'}
      data={{ 'data-outcome': outcome }}
    />
  );
}

const STATUS: Record<
  ControlState['status'],
  { label: string; tone: Tone; title: string }
> = {
  failing: {
    label: 'failing',
    tone: 'danger',
    title: 'A policy of this control has a fail or error result',
  },
  passing: {
    label: 'passing',
    tone: 'success',
    title: 'Its policies have results, none failing',
  },
  'no-results': {
    label: 'no results',
    tone: 'plain',
    title: 'Its policies exist but the clusters never reported on them',
  },
  'no-policy': {
    label: 'no enforcing policy',
    tone: 'warning',
    title: 'No policy in the repository evidences this control',
  },
};

/** How a control stands: failing, passing, no results, no enforcing policy. */
export function ControlStatusChip({
  status,
}: {
  status: ControlState['status'];
}) {
  const s = STATUS[status];
  return (
    <ToneChip
      label={s.label}
      tone={s.tone}
      title={s.title}
      data={{ 'data-status': status }}
    />
  );
}
