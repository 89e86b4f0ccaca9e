/** The windows burn rates are computed over (SRE Workbook, multiwindow). */
export const BURN_WINDOWS = [
  '5m',
  '30m',
  '1h',
  '2h',
  '6h',
  '1d',
  '3d',
] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

/**
 * The multiwindow, multi-burn-rate alert state:
 * page: 14.4x over 1h and 5m, or 6x over 6h and 30m;
 * ticket: 3x over 1d and 2h, or 1x over 3d and 6h.
 */
export type SloAlertState = 'page' | 'ticket' | 'ok';

/** One SLO of one service, as computed over its window. */
export interface SloStatus {
  /** The service (Sloth's `sloth_service`), e.g. svc-ledger. */
  service: string;
  /** The SLO's name (Sloth's `sloth_slo`), e.g. requests-availability. */
  slo: string;
  /** Objective as a ratio, e.g. 0.999. */
  objective: number;
  windowDays: number;
  /** Current SLI over the window (ratio of good events); undefined without data. */
  sli?: number;
  errorBudget: {
    /** Allowed error ratio (1 - objective). */
    totalRatio: number;
    totalMinutes: number;
    /** Share of the budget left: 1 is untouched, 0 spent, below 0 overspent. */
    remainingRatio?: number;
    remainingMinutes?: number;
  };
  /** Error budget burn rate per window (1 = spending exactly the budget). */
  burnRates: Partial<Record<BurnWindow, number>>;
  alert: SloAlertState;
  /** Hours until the budget is spent at the 1h burn rate; null if not burning. */
  hoursToExhaustion: number | null;
}
