export interface Config {
  /** SLOs (plugins/slo-backend). Checked at start-up. */
  slo?: {
    /** The SLO window in days, as Sloth's spec sets it (30). */
    windowDays?: number;
    /** Prometheus servers holding Sloth's recording rules, read in order. */
    prometheus?: Array<{
      /**
       * What messages call it, instead of its address: "Prometheus
       * 'prod-eu-west-1' did not answer within 5 s". Letters, digits,
       * _ . -; each server's own.
       */
      name: string;
      baseUrl: string;
      /** How long one query may take (5000 ms). */
      timeoutMs?: number;
    }>;
  };
}
