import { LoggerService } from '@backstage/backend-plugin-api';
import { ClusterReader } from './ClusterReader';
import {
  ClusterApiError,
  KubernetesProxyClient,
} from './KubernetesProxyClient';
import { PolicyCatalogue } from './PolicyCatalogue';
import { ClusterOutcome, SnapshotStore, StoredSnapshot } from './SnapshotStore';

/**
 * Takes a snapshot: every cluster of the Kubernetes plugin read side by
 * side (one that is down, slow or refuses gives its own error, the others
 * are kept), then recorded in one transaction, then old history pruned.
 */
export class Snapshotter {
  constructor(
    private readonly options: {
      client: KubernetesProxyClient;
      reader: ClusterReader;
      store: SnapshotStore;
      policies: PolicyCatalogue;
      logger: LoggerService;
      retentionDays: number;
      fullHistoryDays: number;
    },
  ) {}

  /**
   * The Kubernetes plugin's clusters. Right after start-up the backend may
   * not listen yet: wait for it a little rather than skip a whole period.
   */
  private async clustersOnceUp() {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.client.clusters();
      } catch (e) {
        const unreachable =
          e instanceof ClusterApiError && e.status === undefined;
        if (!unreachable || attempt >= 10) throw e;
        await new Promise(resolve => setTimeout(resolve, 2000));
      }
    }
  }

  async take(now: () => Date = () => new Date()): Promise<StoredSnapshot> {
    const { reader, store, policies, logger } = this.options;
    const clusters = await this.clustersOnceUp();
    const started = performance.now();
    const outcomes: ClusterOutcome[] = await Promise.all(
      clusters.map(async ({ name }) => {
        try {
          return { cluster: name, read: await reader.read(name) };
        } catch (e) {
          const error = errorFor(name, e as Error);
          logger.warn(
            `Kyverno reports of cluster '${name}' not read: ${error}`,
          );
          return { cluster: name, error };
        }
      }),
    );
    const snapshot = await store.record(
      outcomes,
      policy => policies.policies.get(policy)?.digest,
      now(),
    );
    await store.prune(
      now(),
      this.options.retentionDays,
      this.options.fullHistoryDays,
    );
    for (const status of snapshot.clusters) {
      for (const warning of status.warnings) logger.warn(warning);
    }
    logger.info(
      `Kyverno snapshot ${snapshot.id}: ${snapshot.results} results from ${
        snapshot.clusters.filter(c => c.ok).length
      }/${snapshot.clusters.length} clusters in ${Math.round(
        performance.now() - started,
      )} ms`,
    );
    return snapshot;
  }
}

/** What to tell people about a cluster that could not be read. */
function errorFor(cluster: string, e: Error & { status?: number }): string {
  if (e.status === 401 || e.status === 403) {
    return `${e.message}. Grant the portal's identity get and list on the report kinds (the ClusterRole in policies/rbac/backstage-kyverno-reader.yaml, see the README)`;
  }
  if (e.name === 'ClusterApiError') return e.message;
  return `cluster '${cluster}' could not be read: ${e.message}`;
}
