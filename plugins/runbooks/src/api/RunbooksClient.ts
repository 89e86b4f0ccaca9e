import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EntityRunbooks,
  FiringAlerts,
  OnCallRotation,
} from '@internal/plugin-runbooks-common';

export interface RunbooksApi {
  getEntityRunbooks(entity: CompoundEntityRef): Promise<EntityRunbooks>;
  getFiringAlerts(): Promise<FiringAlerts>;
  getOnCallRotation(): Promise<OnCallRotation>;
}

export const runbooksApiRef = createApiRef<RunbooksApi>({
  id: 'plugin.runbooks',
});

/** Calls the runbooks backend as the signed-in user. */
export class RunbooksClient implements RunbooksApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getEntityRunbooks({ kind, namespace, name }: CompoundEntityRef) {
    const path = [kind, namespace, name].map(encodeURIComponent).join('/');
    return this.get<EntityRunbooks>(`/entities/${path}/runbooks`);
  }

  getFiringAlerts() {
    return this.get<FiringAlerts>('/alerts');
  }

  getOnCallRotation() {
    return this.get<OnCallRotation>('/oncall');
  }

  private async get<T>(path: string): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('runbooks');
    const res = await this.deps.fetchApi.fetch(`${base}${path}`);
    if (!res.ok) {
      throw await ResponseError.fromResponse(res);
    }
    return (await res.json()) as T;
  }
}
