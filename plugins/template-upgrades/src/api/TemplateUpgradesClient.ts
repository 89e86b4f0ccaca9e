import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  DriftList,
  ServiceDrift,
  UpgradeProposal,
  UpgradeResult,
} from '@internal/plugin-template-upgrades-common';

export type {
  DriftList,
  DriftStatus,
  FileChange,
  ServiceDrift,
  TemplateRelease,
  UpgradeFile,
  UpgradeProposal,
  UpgradeResult,
} from '@internal/plugin-template-upgrades-common';

/** The template upgrades backend, as the signed-in user sees it. */
export interface TemplateUpgradesApi {
  /** Every generated service, most behind first, and each template's newest release. */
  getDrift(): Promise<DriftList>;
  /**
   * Where one service stands against its template. Fails with a 404
   * ResponseError when the entity was not generated from a template.
   */
  getServiceDrift(entity: CompoundEntityRef): Promise<ServiceDrift>;
  /**
   * What upgrading the service would change. Fails with a 409 when there is
   * nothing to upgrade (current, or generated before releases were
   * recorded) and a 503 when its repository cannot be read.
   */
  getProposal(entity: CompoundEntityRef): Promise<UpgradeProposal>;
  /**
   * Creates the upgrade: a branch, or a pull request on GitHub (needs
   * template-upgrades.create on the entity: its owners and platform admins).
   */
  createUpgrade(entity: CompoundEntityRef): Promise<UpgradeResult>;
}

export const templateUpgradesApiRef = createApiRef<TemplateUpgradesApi>({
  id: 'plugin.template-upgrades',
});

// Kind and namespace are case-insensitive in the catalog: send them as
// stringifyEntityRef writes them, so the backend's lookup does not depend
// on how the entity spelled its kind.
const entityPath = ({ kind, namespace, name }: CompoundEntityRef) =>
  [kind.toLocaleLowerCase('en-US'), namespace.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/');

/** Calls the template upgrades backend with the user's token (through fetchApi). */
export class TemplateUpgradesClient implements TemplateUpgradesApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getDrift() {
    return this.request<DriftList>('/drift');
  }

  getServiceDrift(entity: CompoundEntityRef) {
    return this.request<ServiceDrift>(`/entities/${entityPath(entity)}/drift`);
  }

  getProposal(entity: CompoundEntityRef) {
    return this.request<UpgradeProposal>(
      `/entities/${entityPath(entity)}/proposal`,
    );
  }

  createUpgrade(entity: CompoundEntityRef) {
    return this.request<UpgradeResult>(
      `/entities/${entityPath(entity)}/upgrade`,
      'POST',
    );
  }

  private async request<T>(path: string, method?: 'POST'): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('template-upgrades');
    const res = await this.deps.fetchApi.fetch(
      `${base}${path}`,
      method ? { method } : undefined,
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
