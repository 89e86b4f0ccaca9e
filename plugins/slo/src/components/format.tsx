import { SloAlertState } from '@internal/plugin-slo-common';
import Chip from '@material-ui/core/Chip';

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

const LABELS: Record<
  SloAlertState,
  { label: string; color: 'secondary' | 'primary' | 'default' }
> = {
  page: { label: 'page', color: 'secondary' },
  ticket: { label: 'ticket', color: 'primary' },
  ok: { label: 'ok', color: 'default' },
};

export function AlertChip({ state }: { state: SloAlertState }) {
  const { label, color } = LABELS[state];
  return <Chip size="small" label={label} color={color} />;
}

export const burn = (rate: number | undefined, digits = 2) =>
  rate === undefined ? '—' : `${rate.toFixed(digits)}×`;
