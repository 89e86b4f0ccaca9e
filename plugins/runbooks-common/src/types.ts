/** How urgent the alerts a runbook answers are. */
export type RunbookSeverity = 'page' | 'ticket' | 'info';

/** A runbook found in an entity's TechDocs (`docs/runbooks/*.md`). */
export interface Runbook {
  /** The entity whose docs hold it, e.g. component:default/svc-ledger. */
  entityRef: string;
  /** File name without `.md`, e.g. `slo-burn`. */
  id: string;
  title: string;
  description?: string;
  /** Alert names it answers. */
  alerts: string[];
  severity: RunbookSeverity;
  owner: string;
  /** ISO date (YYYY-MM-DD). */
  lastReviewed: string;
  /** Days since the last review, on the day of the request. */
  daysSinceReview: number;
  /** Not reviewed for longer than the configured limit (90 days by default). */
  stale: boolean;
  /** Portal path of the page in TechDocs. */
  docsPath: string;
}

/** A runbook file whose front matter could not be read. */
export interface RunbookProblem {
  file: string;
  message: string;
}

export interface EntityRunbooks {
  runbooks: Runbook[];
  problems: RunbookProblem[];
}

/** A firing alert from Prometheus, tied to its service and runbook. */
export interface FiringAlert {
  name: string;
  severity?: string;
  /** The `service` label, e.g. svc-ledger. */
  service?: string;
  /** The catalog entity of that service, when it exists. */
  entityRef?: string;
  summary?: string;
  activeAt?: string;
  labels: Record<string, string>;
  /** The runbook to follow: by runbook_url annotation, else by alert name. */
  runbook?: Pick<Runbook, 'entityRef' | 'id' | 'title' | 'docsPath' | 'stale'>;
  /** The runbook_url annotation as written on the alert. */
  runbookUrl?: string;
  /** The most urgent SLO of the alert's service, when the SLO plugin knows it. */
  slo?: AlertServiceSlo;
}

/** A service's SLO state as shown beside its alerts. */
export interface AlertServiceSlo {
  slo: string;
  alert: 'page' | 'ticket' | 'ok';
  /** Share of the error budget left (below 0 when overspent). */
  budgetRemainingRatio?: number;
}

export interface FiringAlerts {
  alerts: FiringAlert[];
  /**
   * Entities whose runbooks could not be read in time or at all: their
   * alerts may show without a runbook. The message is written for people
   * (no address); the detail is in the portal's log.
   */
  unavailable?: UnavailableRunbooks[];
}

/** The runbooks of one entity that could not be read. */
export interface UnavailableRunbooks {
  entityRef: string;
  message: string;
}

/** Someone on the rotation. */
export interface OnCallPerson {
  userRef: string;
  displayName: string;
  email?: string;
}

/** The on-call rotation, from the on-call group of the catalog. */
export interface OnCallRotation {
  groupRef: string;
  schedule?: string;
  primary?: OnCallPerson;
  secondary?: OnCallPerson;
  incidentCommander?: OnCallPerson;
  members: OnCallPerson[];
}
