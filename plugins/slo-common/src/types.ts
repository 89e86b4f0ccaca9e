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

/** The formats an SLO spec file may be written in. */
export type SloSpecFormat =
  | 'sloth.slok.dev/v1'
  | 'prometheus/v1'
  | 'openslo/v1';

/**
 * Where an SLO's numbers come from: Sloth's recording rules found in
 * Prometheus by service name, or the SLI queries of a spec file the entity
 * points to (evaluated by the portal).
 */
export type SloSource =
  | { type: 'sloth-rules' }
  | { type: 'spec'; file: string; format: SloSpecFormat };

/** One SLO of one service, as computed over its window. */
export interface SloStatus {
  /** The service (Sloth's `sloth_service`), e.g. svc-ledger. */
  service: string;
  /** The SLO's name (Sloth's `sloth_slo`), e.g. requests-availability. */
  slo: string;
  /** What the SLO promises, from its spec. */
  description?: string;
  source?: SloSource;
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

/** An SLO with the catalog entity it belongs to. */
export type SloWithEntity = SloStatus & { entityRef?: string };

/** A spec file that could not be read or understood, for one entity. */
export interface SloSpecProblem {
  entityRef: string;
  /** The spec as the annotation names it, e.g. services/svc-ledger/slo/sloth.yaml. */
  file: string;
  /** Names the file and the field, e.g. "….yaml: slos[0].objective: …". */
  message: string;
}

/** A Prometheus server that did not answer; the others' SLOs are still listed. */
export interface SloServerError {
  server: string;
  message: string;
}

/** What the entity and board routes answer. */
export interface SloList {
  slos: SloWithEntity[];
  errors: SloServerError[];
  specProblems: SloSpecProblem[];
  /** PromQL round trips made to answer. */
  queries: number;
}

/** One point of an error budget burn-down. */
export interface SloBudgetPoint {
  /** Milliseconds since the epoch. */
  t: number;
  /** Share of the window's budget left at that time (below 0: overspent). */
  remainingRatio: number;
}

/** The error budget of one SLO over its window, spent hour by hour. */
export interface SloBudgetSeries {
  service: string;
  slo: string;
  objective: number;
  windowDays: number;
  /**
   * events: each hour weighs its share of requests (the spec gives error and
   * total counts); time: each hour weighs the same (only ratios are known).
   */
  weighting: 'events' | 'time';
  points: SloBudgetPoint[];
}

/** What the budget history route answers. */
export interface SloBudgetHistory {
  series: SloBudgetSeries[];
  errors: SloServerError[];
  specProblems: SloSpecProblem[];
  queries: number;
}
