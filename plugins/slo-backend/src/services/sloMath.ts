import {
  BURN_WINDOWS,
  BurnWindow,
  SloAlertState,
  SloStatus,
} from '@internal/plugin-slo-common';

/** What Prometheus knows of one SLO: its objective and error ratios. */
export interface SloSeries {
  service: string;
  slo: string;
  objective: number;
  windowDays: number;
  /** Error ratio over the whole window (e.g. 30d). */
  windowErrorRatio?: number;
  /** Error ratio per burn window. */
  errorRatios: Partial<Record<BurnWindow, number>>;
}

/** The SRE Workbook's multiwindow, multi-burn-rate tiers. */
export const ALERT_TIERS: {
  state: Exclude<SloAlertState, 'ok'>;
  factor: number;
  long: BurnWindow;
  short: BurnWindow;
}[] = [
  { state: 'page', factor: 14.4, long: '1h', short: '5m' },
  { state: 'page', factor: 6, long: '6h', short: '30m' },
  { state: 'ticket', factor: 3, long: '1d', short: '2h' },
  { state: 'ticket', factor: 1, long: '3d', short: '6h' },
];

export function alertState(
  burnRates: Partial<Record<BurnWindow, number>>,
): SloAlertState {
  const firing = ALERT_TIERS.find(
    t =>
      (burnRates[t.long] ?? 0) > t.factor &&
      (burnRates[t.short] ?? 0) > t.factor,
  );
  return firing?.state ?? 'ok';
}

/** Budgets, burn rates, alert state and time to exhaustion of one SLO. */
export function computeSloStatus(series: SloSeries): SloStatus {
  const { objective, windowDays } = series;
  const totalRatio = 1 - objective;
  const windowMinutes = windowDays * 24 * 60;
  const totalMinutes = totalRatio * windowMinutes;

  const burnRates: Partial<Record<BurnWindow, number>> = {};
  for (const w of BURN_WINDOWS) {
    const ratio = series.errorRatios[w];
    if (ratio !== undefined && totalRatio > 0)
      burnRates[w] = ratio / totalRatio;
  }

  const err = series.windowErrorRatio;
  const remainingRatio =
    err === undefined || totalRatio <= 0 ? undefined : 1 - err / totalRatio;
  const current = burnRates['1h'];
  let hoursToExhaustion: number | null = null;
  if (remainingRatio !== undefined && current !== undefined && current > 0) {
    hoursToExhaustion =
      remainingRatio <= 0 ? 0 : (remainingRatio * windowDays * 24) / current;
  }

  return {
    service: series.service,
    slo: series.slo,
    objective,
    windowDays,
    sli: err === undefined ? undefined : 1 - err,
    errorBudget: {
      totalRatio,
      totalMinutes,
      remainingRatio,
      remainingMinutes:
        remainingRatio === undefined
          ? undefined
          : remainingRatio * totalMinutes,
    },
    burnRates,
    alert: alertState(burnRates),
    hoursToExhaustion,
  };
}
