import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  CheckRanking,
  CollectionInfo,
  EntityScorecard,
  Rollup,
  RollupDimension,
  ScorecardList,
  Trend,
} from '@internal/plugin-scorecards-common';

export type {
  CheckRanking,
  CollectionInfo,
  EntityScorecard,
  Rollup,
  RollupDimension,
  RollupRow,
  ScorecardList,
  Trend,
  TrendPoint,
} from '@internal/plugin-scorecards-common';

/** Which services `getScorecards` lists; entity refs, all optional. */
export interface ScorecardFilter {
  owner?: string;
  system?: string;
  domain?: string;
}

/** The scorecards backend, as the signed-in user sees it. */
export interface ScorecardsApi {
  /**
   * One service's scorecard from the latest collection. Fails with a 404
   * ResponseError while the entity has not been scored.
   */
  getEntityScorecard(entity: CompoundEntityRef): Promise<EntityScorecard>;
  /** Every service of the latest collection, or those of a team, system or domain. */
  getScorecards(filter?: ScorecardFilter): Promise<ScorecardList>;
  /** Level and check counts per team (owner), system or domain. */
  getRollup(by: RollupDimension): Promise<Rollup>;
  /** The checks, the most failed first. */
  getRanking(): Promise<CheckRanking>;
  /** Level counts per collection over the last `days` days. */
  getTrend(days?: number): Promise<Trend>;
  /** Collects every service's facts now (needs scorecards.refresh). */
  refresh(): Promise<CollectionInfo>;
}

export const scorecardsApiRef = createApiRef<ScorecardsApi>({
  id: 'plugin.scorecards',
});

// Kind and namespace are case-insensitive in the catalog: send them as
// stringifyEntityRef writes them, so the backend's lookup does not depend
// on how the entity spelled its kind.
const entityPath = ({ kind, namespace, name }: CompoundEntityRef) =>
  [kind.toLocaleLowerCase('en-US'), namespace.toLocaleLowerCase('en-US'), name]
    .map(encodeURIComponent)
    .join('/');

/** Calls the scorecards backend with the user's token (through fetchApi). */
export class ScorecardsClient implements ScorecardsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  getEntityScorecard(entity: CompoundEntityRef) {
    return this.request<EntityScorecard>(`/entities/${entityPath(entity)}`);
  }

  getScorecards(filter: ScorecardFilter = {}) {
    const query = new URLSearchParams();
    for (const key of ['owner', 'system', 'domain'] as const) {
      if (filter[key]) query.set(key, filter[key]!);
    }
    const search = query.toString();
    return this.request<ScorecardList>(
      `/scorecards${search ? `?${search}` : ''}`,
    );
  }

  getRollup(by: RollupDimension) {
    return this.request<Rollup>(`/rollups?${new URLSearchParams({ by })}`);
  }

  getRanking() {
    return this.request<CheckRanking>('/ranking');
  }

  getTrend(days = 30) {
    return this.request<Trend>(
      `/trend?${new URLSearchParams({ days: String(days) })}`,
    );
  }

  refresh() {
    return this.request<CollectionInfo>('/refresh', 'POST');
  }

  private async request<T>(path: string, method?: 'POST'): Promise<T> {
    const base = await this.deps.discoveryApi.getBaseUrl('scorecards');
    const res = await this.deps.fetchApi.fetch(
      `${base}${path}`,
      method ? { method } : undefined,
    );
    if (!res.ok) throw await ResponseError.fromResponse(res);
    return (await res.json()) as T;
  }
}
