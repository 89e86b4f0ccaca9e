import {
  ClusterStatus,
  PolicyResult,
  REPORT_APIS,
  ReportApi,
} from '@internal/plugin-kyverno-common';
import { z } from 'zod';
import {
  ClusterApiError,
  KubernetesProxyClient,
} from './KubernetesProxyClient';
import { parseReport, REPORT_KINDS } from './reports';

/** A result with the labels of its resource, for matching catalog entities. */
export type LabelledResult = PolicyResult & {
  resourceLabels: Record<string, string>;
};

export type ClusterRead = {
  status: ClusterStatus;
  results: LabelledResult[];
  /** List requests made, and how long the cluster took to answer them. */
  requests: number;
  waitMs: number;
};

const groupList = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      versions: z.array(z.object({ version: z.string() })),
    }),
  ),
});
const resourceList = z.object({
  resources: z.array(
    z.object({ name: z.string(), kind: z.string(), namespaced: z.boolean() }),
  ),
});
const listSchema = z.object({
  metadata: z.object({ continue: z.string().optional() }).optional(),
  items: z.array(z.unknown()).nullable().optional(),
});
const objectMeta = z.object({
  metadata: z.object({
    name: z.string(),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
});

/**
 * Reads one cluster's policy reports: which report APIs it serves (its API
 * discovery), one paged list per report kind (`limit` + `continue`, never a
 * request per resource), and the labels of the resources the results name
 * (one paged list per resource kind), so entities that select their
 * workloads by label match too.
 */
export class ClusterReader {
  constructor(
    private readonly client: KubernetesProxyClient,
    private readonly pageSize: number,
  ) {}

  async read(cluster: string): Promise<ClusterRead> {
    const counters = { requests: 0, waitMs: 0 };
    const get = async (path: string) => {
      const started = performance.now();
      counters.requests += 1;
      try {
        return await this.client.get(cluster, path);
      } finally {
        counters.waitMs += performance.now() - started;
      }
    };
    const warnings: string[] = [];
    const groups = groupList.parse(await get('/apis'));
    const apis = REPORT_APIS.filter(api => {
      const { group, version } = REPORT_KINDS[api];
      return groups.groups.some(
        g => g.name === group && g.versions.some(v => v.version === version),
      );
    });
    if (apis.length === 0) {
      warnings.push(
        `cluster '${cluster}' serves neither wgpolicyk8s.io/v1alpha2 nor openreports.io/v1alpha1: is Kyverno installed with its reports enabled?`,
      );
    }

    const results: LabelledResult[] = [];
    let reports = 0;
    for (const api of apis) {
      const kinds = REPORT_KINDS[api];
      for (const plural of [kinds.namespaced, kinds.cluster]) {
        const items = await this.listAll(
          get,
          `/apis/${kinds.group}/${kinds.version}/${plural}`,
          warnings,
          cluster,
        );
        for (const item of items) {
          reports += 1;
          try {
            const parsed = parseReport(cluster, api, item);
            warnings.push(...parsed.warnings);
            for (const r of parsed.results)
              results.push({ ...r, resourceLabels: {} });
          } catch (e) {
            warnings.push(
              `${plural} ${nameOf(item)} on cluster '${cluster}' skipped: ${
                (e as Error).message
              }`,
            );
          }
        }
      }
    }

    await this.addLabels(get, cluster, results, warnings);
    return {
      status: {
        cluster,
        ok: true,
        apis: apis as ReportApi[],
        reports,
        results: results.length,
        warnings,
      },
      results,
      requests: counters.requests,
      waitMs: counters.waitMs,
    };
  }

  /**
   * Every item of a list, page by page. A continue token that expired
   * (410) restarts the list once from the start, for a consistent result.
   */
  private async listAll(
    get: (path: string) => Promise<unknown>,
    path: string,
    warnings: string[],
    cluster: string,
  ): Promise<unknown[]> {
    for (let attempt = 0; ; attempt++) {
      const items: unknown[] = [];
      let token: string | undefined;
      try {
        do {
          const query = new URLSearchParams({ limit: String(this.pageSize) });
          if (token) query.set('continue', token);
          const page = listSchema.parse(await get(`${path}?${query}`));
          items.push(...(page.items ?? []));
          token = page.metadata?.continue || undefined;
        } while (token);
        return items;
      } catch (e) {
        if (e instanceof ClusterApiError && e.status === 410 && attempt === 0) {
          warnings.push(
            `cluster '${cluster}': the list of ${path} changed while it was read (continue token expired); read again from the start`,
          );
          continue;
        }
        throw e;
      }
    }
  }

  /** Labels of the resources results name, one paged list per kind. */
  private async addLabels(
    get: (path: string) => Promise<unknown>,
    cluster: string,
    results: LabelledResult[],
    warnings: string[],
  ) {
    const kinds = new Map<string, { apiVersion: string; kind: string }>();
    for (const r of results) {
      if (!r.resource.apiVersion) continue;
      kinds.set(`${r.resource.apiVersion}|${r.resource.kind}`, {
        apiVersion: r.resource.apiVersion,
        kind: r.resource.kind,
      });
    }
    const labels = new Map<string, Record<string, string>>();
    const discovered = new Map<string, z.infer<typeof resourceList>>();
    for (const { apiVersion, kind } of kinds.values()) {
      const base = apiVersion.includes('/')
        ? `/apis/${apiVersion}`
        : `/api/${apiVersion}`;
      try {
        let list = discovered.get(base);
        if (!list) {
          list = resourceList.parse(await get(base));
          discovered.set(base, list);
        }
        const resource = list.resources.find(
          r => r.kind === kind && !r.name.includes('/'),
        );
        if (!resource) continue;
        const items = await this.listAll(
          get,
          `${base}/${resource.name}`,
          warnings,
          cluster,
        );
        for (const item of items) {
          const meta = objectMeta.safeParse(item);
          if (!meta.success) continue;
          const m = meta.data.metadata;
          labels.set(
            `${apiVersion}|${kind}|${m.namespace ?? ''}|${m.name}`,
            m.labels ?? {},
          );
        }
      } catch (e) {
        warnings.push(
          `cluster '${cluster}': labels of ${kind} (${apiVersion}) could not be read, so entities selecting them by label miss them: ${
            (e as Error).message
          }`,
        );
      }
    }
    for (const r of results) {
      const key = `${r.resource.apiVersion}|${r.resource.kind}|${
        r.resource.namespace ?? ''
      }|${r.resource.name}`;
      r.resourceLabels = labels.get(key) ?? {};
    }
  }
}

function nameOf(item: unknown): string {
  const meta = (item as { metadata?: { name?: unknown; namespace?: unknown } })
    ?.metadata;
  const name = typeof meta?.name === 'string' ? meta.name : '(unnamed)';
  return typeof meta?.namespace === 'string'
    ? `${meta.namespace}/${name}`
    : name;
}
