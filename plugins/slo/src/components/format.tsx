import { SloAlertState } from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

export const percent = (ratio: number | undefined, digits = 2) =>
  ratio === undefined ? '—' : `${(ratio * 100).toFixed(digits)}%`;

export const minutes = (m: number | undefined) => {
  if (m === undefined) return '—';
  const sign = m < 0 ? '-' : '';
  const abs = Math.abs(m);
  return abs >= 60
    ? `${sign}${Math.floor(abs / 60)} h ${Math.round(abs % 60)} min`
    : `${sign}${abs.toFixed(1)} min`;
};

export const hours = (h: number | null) => {
  if (h === null) return 'not burning';
  if (h === 0) return 'exhausted';
  return h >= 48 ? `${(h / 24).toFixed(1)} days` : `${h.toFixed(1)} h`;
};

/**
 * What pages someone: white on a dark red, 6.6:1 (the theme's secondary and
 * error colours give white text less than 4.5:1). The label says it too.
 */
const PAGE_COLORS = { backgroundColor: '#B71C1C', color: '#FFFFFF' };

// Doubled class: wins over the Chip's own colours whatever the style order.
const useStyles = makeStyles({ page: { '&&': PAGE_COLORS } });

/** The alert state of an SLO: page (dark red), ticket (primary) or ok. */
export function AlertChip({ state }: { state: SloAlertState }) {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={state}
      data-state={state}
      className={state === 'page' ? classes.page : undefined}
      color={state === 'ticket' ? 'primary' : 'default'}
    />
  );
}

/** How many SLOs are in a state, on the SLO board: "2 paging". */
export function AlertCountChip(props: { state: SloAlertState; count: number }) {
  const { state, count } = props;
  const classes = useStyles();
  const label = state === 'page' ? 'paging' : state;
  return (
    <Chip
      label={`${count} ${label}`}
      data-state={state}
      className={state === 'page' && count > 0 ? classes.page : undefined}
      color={state === 'ticket' && count > 0 ? 'primary' : 'default'}
    />
  );
}

export const burn = (rate: number | undefined, digits = 2) =>
  rate === undefined ? '—' : `${rate.toFixed(digits)}×`;
