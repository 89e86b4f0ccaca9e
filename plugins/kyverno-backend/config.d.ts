export interface Config {
  /**
   * Kyverno policy reports (plugins/kyverno-backend). The clusters are the
   * Kubernetes plugin's (kubernetes.clusterLocatorMethods), read through its
   * proxy with the auth it is configured with.
   */
  kyverno?: {
    policies?: {
      /**
       * The repository's ClusterPolicies, relative to the backend's working
       * directory (../../policies/kyverno).
       */
      directory?: string;
      /**
       * The controls they evidence (default: controls.yaml beside that
       * directory, ../../policies/controls.yaml).
       */
      controls?: string;
    };
    schedule?: {
      /** Minutes between snapshots of the clusters' reports (60). */
      frequencyMinutes?: number;
      /** Seconds after start-up before the first snapshot (5). */
      initialDelaySeconds?: number;
    };
    history?: {
      /** Days of snapshots kept (400: PCI-DSS asks for a year). */
      retentionDays?: number;
      /** Days of every snapshot; older ones are thinned to one a day (30). */
      fullDays?: number;
    };
    /** Items per list request to a cluster (500). */
    pageSize?: number;
    /** Milliseconds one request to a cluster may take (15000). */
    requestTimeoutMs?: number;
    docs?: {
      /** The entity whose TechDocs hold the remediation pages. */
      entityRef?: string;
    };
  };
}
