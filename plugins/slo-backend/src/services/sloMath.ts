import {
  BURN_WINDOWS,
  BurnWindow,
  SloAlertState,
  SloBudgetPoint,
  SloSource,
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
  description?: string;
  source?: SloSource;
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
    ...(series.description ? { description: series.description } : {}),
    ...(series.source ? { source: series.source } : {}),
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

/**
 * The error budget of a window spent hour by hour, from the errors and
 * events of each hour (`points` cover the window, one per hour; an hour
 * without data counts as no events). The budget is the allowed share of
 * all the window's events, (1 - objective) x total; each point is what is
 * left of it once the errors up to that hour are taken out. The last point
 * is therefore the budget left over the window, as the card shows it.
 */
export function burnDownByEvents(
  points: { t: number; errors: number; total: number }[],
  objective: number,
): SloBudgetPoint[] {
  const total = points.reduce((sum, p) => sum + p.total, 0);
  const budget = (1 - objective) * total;
  if (!(budget > 0)) return [];
  let spent = 0;
  return points.map(p => {
    spent += p.errors;
    return { t: p.t, remainingRatio: 1 - spent / budget };
  });
}

/**
 * The same from error ratios alone (Sloth's recording rules, raw SLIs):
 * every hour with data weighs the same, so the window's error ratio is the
 * mean of the hourly ratios, and an hour spends ratio / (hours x budget).
 */
export function burnDownByTime(
  points: { t: number; ratio: number }[],
  objective: number,
): SloBudgetPoint[] {
  const budget = 1 - objective;
  if (!(budget > 0) || points.length === 0) return [];
  let spent = 0;
  return points.map(p => {
    spent += p.ratio;
    return { t: p.t, remainingRatio: 1 - spent / (points.length * budget) };
  });
}

/**
 * The hourly points of a window ending now (to the minute): each point t
 * stands for the hour (t - 1h, t], so the points tile the window exactly
 * once, and the last one is the last hour. Seconds since the epoch, as
 * Prometheus takes them.
 */
export function hourlyRange(nowMs: number, windowDays: number) {
  const end = Math.floor(nowMs / 60_000) * 60;
  return { start: end - windowDays * 86400 + 3600, end, step: 3600 };
}
