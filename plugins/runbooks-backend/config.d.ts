export interface Config {
  /** Runbooks, firing alerts and the on-call rotation (plugins/runbooks-backend). Checked at start-up. */
  runbooks?: {
    /** Days after its last review when a runbook is marked stale (90). */
    staleAfterDays?: number;
    /** The catalog group of the on-call rotation (group:default/on-call). */
    onCallGroup?: string;
    prometheus?: {
      /**
       * What messages call it: "Prometheus 'default' did not answer within
       * 5 s". Letters, digits, _ . - (default).
       */
      name?: string;
      /** Prometheus (or Thanos/Mimir) base URL whose /api/v1/alerts is read. */
      baseUrl?: string;
      /** How long to wait for Prometheus before answering 503 (5000 ms). */
      timeoutMs?: number;
    };
    /** How the runbooks are read from each entity's TechDocs sources. */
    docs?: {
      /** Docs sites read at once, whatever the number of requests (4). */
      concurrency?: number;
      /**
       * How long a request waits for one docs site (5000 ms); the on-call
       * page then shows the other runbooks, and the read goes on in the
       * background.
       */
      timeoutMs?: number;
      /** After this, known runbooks are served at once and read again in the background (300000 ms). */
      refreshAfterMs?: number;
      /** A docs site that failed is not read again before this (60000 ms). */
      failureTtlMs?: number;
      /** Limits of the in-process cache of runbooks. */
      cache?: {
        /** Entities whose runbooks are kept (5000). */
        maxEntries?: number;
        /** Bytes of runbooks kept, as JSON (16777216, 16 MiB). */
        maxBytes?: number;
        /** Runbooks not read again successfully for this long are dropped (86400000 ms, a day). */
        maxAgeMs?: number;
      };
    };
  };
}
