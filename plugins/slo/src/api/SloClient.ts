import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { SloStatus } from '@internal/plugin-slo-common';

export type SloWithEntity = SloStatus & { entityRef?: string };

export interface SloList {
  slos: SloWithEntity[];
  /** Prometheus servers that did not answer (the others' SLOs are listed). */
  errors: { server: string; message: string }[];
  queries: number;
}

export interface SloApi {
  getEntitySlos(entity: CompoundEntityRef): Promise<SloList>;
  getBoard(filter: { system?: string; owner?: string }): Promise<SloList>;
}

export const sloApiRef = createApiRef<SloApi>({ id: 'plugin.slo' });

/** Calls the SLO backend as the signed-in user. */
export class SloClient implements SloApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getEntitySlos({ kind, namespace, name }: CompoundEntityRef) {
    const path = [kind, namespace, name].map(encodeURIComponent).join('/');
    return this.get(`/entities/${path}/slos`);
  }

  getBoard(filter: { system?: string; owner?: string }) {
    const params = new URLSearchParams();
    if (filter.system) params.set('system', filter.system);
    if (filter.owner) params.set('owner', filter.owner);
    const query = params.toString();
    return this.get(`/board${query ? `?${query}` : ''}`);
  }

  private async get(path: string): Promise<SloList> {
    const base = await this.deps.discoveryApi.getBaseUrl('slo');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as SloList;
  }
}
