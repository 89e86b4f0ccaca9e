import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { z } from 'zod';

/** A cluster as the Kubernetes plugin lists it (GET /api/kubernetes/clusters). */
export type ClusterName = { name: string; title?: string };

/**
 * An answer of a cluster's API that is not a success, with the Kubernetes
 * Status it carried when it carried one.
 */
export class ClusterApiError extends Error {
  constructor(
    readonly cluster: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ClusterApiError';
  }
}

const statusBody = z.object({
  kind: z.literal('Status'),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().optional(),
});
const clusterList = z.object({
  items: z.array(
    z.object({ name: z.string().min(1), title: z.string().optional() }),
  ),
});

/**
 * Reads clusters through the Kubernetes plugin: its cluster list and its
 * proxy, which applies the auth strategy each cluster is configured with
 * (service account, AWS IAM, Google...). So the clusters and their
 * credentials have one home, `kubernetes.clusterLocatorMethods`.
 */
export class KubernetesProxyClient {
  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      timeoutMs: number;
    },
  ) {}

  private async token(): Promise<string> {
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: await this.options.auth.getOwnServiceCredentials(),
      targetPluginId: 'kubernetes',
    });
    return token;
  }

  private async request(url: string, cluster?: string): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${await this.token()}`,
      Accept: 'application/json',
    };
    if (cluster) headers['Backstage-Kubernetes-Cluster'] = cluster;
    try {
      return await fetch(url, {
        headers,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      const why =
        err.name === 'TimeoutError'
          ? `no answer within ${this.options.timeoutMs} ms`
          : err.message;
      throw new ClusterApiError(
        cluster ?? '(kubernetes plugin)',
        undefined,
        undefined,
        cluster
          ? `cluster '${cluster}' could not be reached: ${why}`
          : `the Kubernetes plugin could not be reached: ${why}`,
      );
    }
  }

  /** The clusters the Kubernetes plugin is configured with. */
  async clusters(): Promise<ClusterName[]> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    const res = await this.request(`${base}/clusters`);
    if (!res.ok) {
      throw new ClusterApiError(
        '(kubernetes plugin)',
        res.status,
        undefined,
        `the Kubernetes plugin's cluster list answered ${res.status} ${res.statusText}`,
      );
    }
    const parsed = clusterList.safeParse(await res.json());
    if (!parsed.success) {
      throw new Error(
        `the Kubernetes plugin's cluster list is not a list of clusters`,
      );
    }
    return parsed.data.items;
  }

  /**
   * GET a path of a cluster's API (`/apis/...`), parsed JSON. A Status answer
   * (401, 403, 404, 410...) becomes a ClusterApiError with its reason.
   */
  async get(cluster: string, path: string): Promise<unknown> {
    const base = await this.options.discovery.getBaseUrl('kubernetes');
    const res = await this.request(`${base}/proxy${path}`, cluster);
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.ok) {
      if (body === undefined) {
        throw new ClusterApiError(
          cluster,
          res.status,
          undefined,
          `cluster '${cluster}' answered ${path} with something that is not JSON`,
        );
      }
      return body;
    }
    const status = statusBody.safeParse(body);
    if (status.success) {
      throw new ClusterApiError(
        cluster,
        res.status,
        status.data.reason,
        `cluster '${cluster}' answered ${res.status} ${
          status.data.reason ?? ''
        } to GET ${path}: ${status.data.message ?? res.statusText}`.replace(
          /\s+/g,
          ' ',
        ),
      );
    }
    // The proxy's own errors (cluster unknown, unreachable) are Backstage
    // error bodies.
    const message =
      (body as { error?: { message?: string } } | undefined)?.error?.message ??
      res.statusText;
    throw new ClusterApiError(
      cluster,
      res.status,
      undefined,
      `cluster '${cluster}' could not be read (${res.status}): ${message}`,
    );
  }
}
