export interface Config {
  /** Production-readiness scorecards (plugins/scorecards-backend). Checked at start-up. */
  scorecards?: {
    /**
     * How often every service's facts are collected (30 minutes). The
     * frontend says it on a service that is not scored yet.
     * @visibility frontend
     */
    frequencyMinutes?: number;
    /** Wait after start-up before the first collection (20 s): the other plugins answer once the backend listens. */
    initialDelaySeconds?: number;
    /** How long collection counts are kept for the trend (90 days). */
    retentionDays?: number;
    /** How long every service's facts and results are kept (2 days; the latest collection is always kept). */
    detailDays?: number;
    /** Services read at once (8). */
    concurrency?: number;
    /** How long one call to a source may take (10000 ms). */
    requestTimeoutMs?: number;
    /**
     * The Prometheus whose alerting rules say which alerts each service
     * defines (rules labelled service=<name> or sloth_service=<name>).
     * Unset: the runbook check is unknown for every service.
     */
    prometheus?: {
      name: string;
      baseUrl: string;
      timeoutMs?: number;
    };
  };
}
