import { Outcome, PolicyResult, ReportApi, Severity } from './results';

/** Counts of results by outcome (every outcome present, zeros included). */
export type OutcomeCounts = Record<Outcome, number>;
/** Counts of failing and warning results by severity (`none`: no severity). */
export type SeverityCounts = Record<Severity | 'none', number>;

/** How reading one cluster went in a snapshot. */
export type ClusterStatus = {
  cluster: string;
  ok: boolean;
  /** Why the cluster could not be read (names the cluster, says what to do). */
  error?: string;
  /** The report APIs the cluster serves (from its API discovery). */
  apis: ReportApi[];
  reports: number;
  results: number;
  /** Reports skipped as malformed, each named with the reason. */
  warnings: string[];
  /**
   * When its results were last read: the snapshot's time, or for a cluster
   * that failed, the last snapshot that read it (its results are shown as of
   * then, labelled stale).
   */
  readAt?: string;
};

export type SnapshotInfo = { id: number; takenAt: string };

/** A result as people see it: with when it was first seen in this state. */
export type PolicyFinding = PolicyResult & {
  /** First snapshot that saw this policy/rule/resource with this outcome. */
  firstSeen: string;
  /** Catalog entities the resource belongs to. */
  entityRefs: string[];
  /** Controls the policy evidences, `<standard>:<control id>`. */
  controls: string[];
  /** Remediation page in TechDocs (path under the portal's docs). */
  remediationUrl?: string;
};

/** Failing or warning results of one policy. */
export type PolicyGroup = {
  policy: string;
  title?: string;
  severity?: Severity;
  controls: string[];
  remediationUrl?: string;
  findings: PolicyFinding[];
};

/** GET /entities/:kind/:namespace/:name/results */
export type EntityPolicyReport = {
  entityRef: string;
  snapshot: SnapshotInfo | null;
  counts: OutcomeCounts;
  severities: SeverityCounts;
  /** fail, error and warn results grouped by policy, worst first. */
  failing: PolicyGroup[];
  /** Excepted results: the exception a reviewer may want to check. */
  excepted: PolicyFinding[];
  clusters: ClusterStatus[];
};

/** One control of a standard, as the clusters evidence it. */
export type ControlState = {
  id: string;
  title: string;
  policies: string[];
  counts: OutcomeCounts;
  /**
   * failing: a fail or error result; passing: results, none failing;
   * no-results: enforcing policies the clusters never reported;
   * no-policy: no policy in the repository enforces it (a finding itself).
   */
  status: 'failing' | 'passing' | 'no-results' | 'no-policy';
};

export type StandardState = {
  id: string;
  title: string;
  controls: ControlState[];
};

export type CountsGroup = { key: string; counts: OutcomeCounts };

/** A policy or control the repository and the clusters disagree on. */
export type CatalogueFinding =
  | {
      type: 'unknown-policy';
      policy: string;
      clusters: string[];
      message: string;
    }
  | { type: 'control-without-policy'; control: string; message: string };

/** Query of the compliance page, trend and export (all optional). */
export type ComplianceFilter = {
  standard?: string;
  control?: string;
  severity?: Severity[];
  policy?: string[];
  outcome?: Outcome[];
  system?: string;
  owner?: string;
  namespace?: string;
  cluster?: string;
};

/** GET /compliance */
export type ComplianceReport = {
  snapshot: SnapshotInfo | null;
  clusters: ClusterStatus[];
  totals: OutcomeCounts;
  standards: StandardState[];
  bySystem: CountsGroup[];
  byTeam: CountsGroup[];
  byNamespace: CountsGroup[];
  byCluster: CountsGroup[];
  /** Matching findings (fail, error, warn, excepted), worst first, at most `limit`. */
  findings: PolicyFinding[];
  totalFindings: number;
  catalogueFindings: CatalogueFinding[];
  /** Values for the filters' menus. */
  options: {
    policies: string[];
    namespaces: string[];
    clusters: string[];
    systems: string[];
    owners: string[];
  };
};

/** GET /trend: one point per snapshot in the range (counts after the filter). */
export type TrendPoint = {
  takenAt: string;
  snapshotId: number;
  counts: OutcomeCounts;
};
export type Trend = { points: TrendPoint[] };

/** GET /snapshots */
export type SnapshotList = {
  snapshots: (SnapshotInfo & { clusters: ClusterStatus[]; results: number })[];
};

/** The columns of an export, in order (CSV header and JSON keys). */
export const EXPORT_COLUMNS = [
  'cluster',
  'report',
  'policy',
  'rule',
  'result',
  'outcome',
  'exception',
  'severity',
  'category',
  'resource_api_version',
  'resource_kind',
  'resource_namespace',
  'resource_name',
  'message',
  'first_seen',
  'snapshot_id',
  'snapshot_time',
  'policy_digest',
] as const;
export type ExportRow = Record<(typeof EXPORT_COLUMNS)[number], string>;
