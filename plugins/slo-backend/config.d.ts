export interface Config {
  slo?: {
    /** The SLO window in days, as Sloth's spec sets it (30). */
    windowDays?: number;
    /** Prometheus servers holding Sloth's recording rules, read in order. */
    prometheus?: Array<{
      /** A name for messages, e.g. prod-eu-west-1. */
      name: string;
      baseUrl: string;
      /** How long one query may take (5000 ms). */
      timeoutMs?: number;
    }>;
  };
}
