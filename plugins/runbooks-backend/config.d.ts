export interface Config {
  runbooks?: {
    /** Days after its last review when a runbook is marked stale (90). */
    staleAfterDays?: number;
    /** The catalog group of the on-call rotation (group:default/on-call). */
    onCallGroup?: string;
    prometheus?: {
      /** Prometheus (or Thanos/Mimir) base URL whose /api/v1/alerts is read. */
      baseUrl?: string;
      /** How long to wait for Prometheus before answering 503 (5000 ms). */
      timeoutMs?: number;
    };
  };
}
