import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { SloBudgetHistory, SloList } from '@internal/plugin-slo-common';

export type {
  SloBudgetHistory,
  SloList,
  SloWithEntity,
} from '@internal/plugin-slo-common';

/** A runbook of the service, as the runbooks plugin lists it. */
export interface SloRunbookLink {
  id: string;
  title: string;
  /** Portal path of the page in TechDocs. */
  docsPath: string;
  severity?: string;
  stale?: boolean;
}

export interface SloApi {
  getEntitySlos(entity: CompoundEntityRef): Promise<SloList>;
  /** The error budget of each SLO of the entity, spent hour by hour. */
  getEntityBudgetHistory(entity: CompoundEntityRef): Promise<SloBudgetHistory>;
  getBoard(filter: { system?: string; owner?: string }): Promise<SloList>;
  /** The entity's runbooks, from the runbooks plugin's backend. */
  getEntityRunbooks(entity: CompoundEntityRef): Promise<SloRunbookLink[]>;
}

export const sloApiRef = createApiRef<SloApi>({ id: 'plugin.slo' });

const entityPath = ({ kind, namespace, name }: CompoundEntityRef) =>
  [kind, namespace, name].map(encodeURIComponent).join('/');

/** Calls the SLO backend (and the runbooks one) as the signed-in user. */
export class SloClient implements SloApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getEntitySlos(entity: CompoundEntityRef) {
    return this.get<SloList>('slo', `/entities/${entityPath(entity)}/slos`);
  }

  getEntityBudgetHistory(entity: CompoundEntityRef) {
    return this.get<SloBudgetHistory>(
      'slo',
      `/entities/${entityPath(entity)}/slos/history`,
    );
  }

  getBoard(filter: { system?: string; owner?: string }) {
    const params = new URLSearchParams();
    if (filter.system) params.set('system', filter.system);
    if (filter.owner) params.set('owner', filter.owner);
    const query = params.toString();
    return this.get<SloList>('slo', `/board${query ? `?${query}` : ''}`);
  }

  async getEntityRunbooks(entity: CompoundEntityRef) {
    const body = await this.get<unknown>(
      'runbooks',
      `/entities/${entityPath(entity)}/runbooks`,
    );
    // Another plugin's answer: keep only well-formed entries.
    const runbooks = (body as { runbooks?: unknown })?.runbooks;
    if (!Array.isArray(runbooks)) {
      throw new Error('The runbooks plugin answered without a runbook list');
    }
    return runbooks.filter(
      (r): r is SloRunbookLink =>
        typeof r?.id === 'string' &&
        typeof r?.title === 'string' &&
        typeof r?.docsPath === 'string' &&
        r.docsPath.startsWith('/'),
    );
  }

  private async get<T>(pluginId: string, path: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl(pluginId);
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
