import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  ComplianceFilter,
  ComplianceReport,
  EntityPolicyReport,
  SnapshotList,
  Trend,
} from '@internal/plugin-kyverno-common';

export type {
  ComplianceFilter,
  ComplianceReport,
  EntityPolicyReport,
  SnapshotList,
  Trend,
} from '@internal/plugin-kyverno-common';

export type ExportFormat = 'csv' | 'json';

/** One snapshot, or every snapshot in a date range; with the page's filters. */
export type ExportRequest = {
  format: ExportFormat;
  filter?: ComplianceFilter;
} & ({ snapshot: number } | { from: string; to: string });

/** An exported file, ready to be saved. */
export type ExportedFile = { blob: Blob; filename: string };

/** The Kyverno backend, as the signed-in user sees it. */
export interface KyvernoApi {
  /** The policy results of an entity's workloads in the latest snapshot. */
  getEntityResults(entity: CompoundEntityRef): Promise<EntityPolicyReport>;
  /** Standards, controls, counts and findings matching the filter. */
  getCompliance(
    filter?: ComplianceFilter,
    options?: { limit?: number },
  ): Promise<ComplianceReport>;
  /** Counts per snapshot between two instants (ISO 8601), after the filter. */
  getTrend(
    range: { from: string; to: string },
    filter?: ComplianceFilter,
  ): Promise<Trend>;
  /** The latest snapshots, newest first. */
  getSnapshots(options?: { limit?: number }): Promise<SnapshotList>;
  /** Evidence as a file (needs kyverno.evidence.export). */
  exportEvidence(request: ExportRequest): Promise<ExportedFile>;
}

export const kyvernoApiRef = createApiRef<KyvernoApi>({
  id: 'plugin.kyverno',
});

type Params = Record<string, string | number | string[] | undefined>;

/**
 * `a=1&list=x,y`: every value through encodeURIComponent, lists joined with
 * commas; empty values and lists left out.
 */
export function queryString(params: Params): string {
  return Object.entries(params)
    .flatMap(([key, value]) => {
      if (value === undefined || value === '') return [];
      if (Array.isArray(value)) {
        const items = value.filter(Boolean);
        return items.length
          ? [`${key}=${items.map(encodeURIComponent).join(',')}`]
          : [];
      }
      return [`${key}=${encodeURIComponent(String(value))}`];
    })
    .join('&');
}

/** The filter's query parameters, as the backend names them. */
export function filterParams(filter: ComplianceFilter = {}): Params {
  return {
    standard: filter.standard,
    control: filter.control,
    severity: filter.severity,
    policy: filter.policy,
    outcome: filter.outcome,
    system: filter.system,
    owner: filter.owner,
    namespace: filter.namespace,
    cluster: filter.cluster,
  };
}

/** `attachment; filename="x.csv"` (or RFC 5987 `filename*=`) → `x.csv`. */
export function filenameOf(disposition: string | null, fallback: string) {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  const name = (plain?.[2] ?? plain?.[1])?.trim();
  // Never a path: only the last segment is a file name.
  return name ? name.split(/[\\/]/).pop() || fallback : fallback;
}

/** Calls the Kyverno backend with the user's token (through fetchApi). */
export class KyvernoClient implements KyvernoApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async getEntityResults(entity: CompoundEntityRef) {
    const path = [
      'entities',
      entity.kind.toLocaleLowerCase('en-US'),
      entity.namespace,
      entity.name,
      'results',
    ]
      .map(encodeURIComponent)
      .join('/');
    return this.json<EntityPolicyReport>(`/${path}`);
  }

  async getCompliance(filter?: ComplianceFilter, options?: { limit?: number }) {
    const query = queryString({
      ...filterParams(filter),
      limit: options?.limit,
    });
    return this.json<ComplianceReport>(
      `/compliance${query ? `?${query}` : ''}`,
    );
  }

  async getTrend(
    range: { from: string; to: string },
    filter?: ComplianceFilter,
  ) {
    const query = queryString({
      from: range.from,
      to: range.to,
      ...filterParams(filter),
    });
    return this.json<Trend>(`/trend?${query}`);
  }

  async getSnapshots(options?: { limit?: number }) {
    const query = queryString({ limit: options?.limit });
    return this.json<SnapshotList>(`/snapshots${query ? `?${query}` : ''}`);
  }

  async exportEvidence(request: ExportRequest): Promise<ExportedFile> {
    const which =
      'snapshot' in request
        ? { snapshot: request.snapshot }
        : { from: request.from, to: request.to };
    const query = queryString({
      format: request.format,
      ...which,
      ...filterParams(request.filter),
    });
    const res = await this.fetch(`/export?${query}`);
    return {
      blob: await res.blob(),
      filename: filenameOf(
        res.headers.get('Content-Disposition'),
        `kyverno-evidence.${request.format}`,
      ),
    };
  }

  private async json<T>(path: string): Promise<T> {
    const res = await this.fetch(path);
    return (await res.json()) as T;
  }

  private async fetch(path: string): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('kyverno');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return res;
  }
}
