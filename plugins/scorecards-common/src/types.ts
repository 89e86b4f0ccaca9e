import { CheckId, Level, LevelOrNone } from './checks';

/** `unknown`: the fact's source could not be read; it does not pass. */
export type CheckOutcome = 'pass' | 'fail' | 'unknown';

export interface CheckResult {
  id: CheckId;
  outcome: CheckOutcome;
  /** Why, in words a team can act on (what is missing, which source is down). */
  detail: string;
}

/** One service's scorecard from one collection. */
export interface EntityScorecard {
  entityRef: string;
  title?: string;
  /** Owner, system and domain refs at collection time (for rollups). */
  owner?: string;
  system?: string;
  domain?: string;
  level: LevelOrNone;
  /** The next level and the checks that block it; absent at gold. */
  next?: { level: Level; blocking: CheckId[] };
  checks: CheckResult[];
  /** When its facts were collected (ISO). */
  collectedAt: string;
}

/** A collection run: every service's facts read once. */
export interface CollectionInfo {
  id: number;
  /** ISO time it finished. */
  at: string;
  services: number;
  durationMs: number;
  /** Sources that failed for at least one service, with how many. */
  sourceProblems: { source: string; services: number; example: string }[];
}

/** `GET /scorecards`: every service of the latest collection (filterable). */
export interface ScorecardList {
  collection?: CollectionInfo;
  services: EntityScorecard[];
}

export const ROLLUP_DIMENSIONS = ['owner', 'system', 'domain'] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** Level and check counts of a set of services. */
export interface ScoreCounts {
  services: number;
  levels: Record<LevelOrNone, number>;
  /** Services that pass each check. */
  passed: Record<CheckId, number>;
  /** Services whose check could not be evaluated. */
  unknown: Record<CheckId, number>;
}

export interface RollupRow extends ScoreCounts {
  /** The group, system or domain ref; `none` for services without one. */
  key: string;
}

/** `GET /rollups?by=`: one row per team, system or domain. */
export interface Rollup {
  by: RollupDimension;
  collection?: CollectionInfo;
  rows: RollupRow[];
}

/** `GET /ranking`: the checks sorted by how many services fail them. */
export interface CheckRanking {
  collection?: CollectionInfo;
  services: number;
  checks: {
    id: CheckId;
    failing: number;
    unknown: number;
    /** The failing services' refs, sorted. */
    failingServices: string[];
  }[];
}

/** One point of `GET /trend`: the counts of one collection. */
export interface TrendPoint extends ScoreCounts {
  at: string;
}

export interface Trend {
  /** Oldest first, at most one point per collection within `days`. */
  points: TrendPoint[];
  retentionDays: number;
}
