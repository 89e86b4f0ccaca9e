import { http, HttpResponse } from 'msw';
import { SetupServer } from 'msw/node';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import {
  RollupDimension,
  ScorecardList,
} from '@internal/plugin-scorecards-common';
import { ReactElement } from 'react';
import { ScorecardsClient, scorecardsApiRef } from '../../api/ScorecardsClient';
import {
  collection,
  ledger,
  merchant,
  ranking,
  rollups,
  trend,
  wallet,
} from './testData';

export const BASE = 'http://backend.test/api/scorecards';

type Answer = () => object | Response | Promise<Response>;

const reply = (answer: Answer) => {
  const body = answer();
  return body instanceof Response || body instanceof Promise
    ? body
    : HttpResponse.json(body);
};

/** What the frontend asked the backend, route by route. */
export type Asked = {
  entity: URL[];
  scorecards: URL[];
  rollups: URL[];
  ranking: URL[];
  trend: URL[];
  refresh: Request[];
};

/**
 * The scorecards backend over HTTP (msw), each request kept for the test
 * to read; any route's answer can be replaced.
 */
export function serveScorecards(
  server: SetupServer,
  answers: Partial<Record<Exclude<keyof Asked, 'rollups'>, Answer>> & {
    rollups?: (by: RollupDimension) => object | Response;
  } = {},
): Asked {
  const asked: Asked = {
    entity: [],
    scorecards: [],
    rollups: [],
    ranking: [],
    trend: [],
    refresh: [],
  };
  const list = (): ScorecardList => ({
    collection: collection(),
    services: [ledger(), wallet(), merchant()],
  });
  server.use(
    http.get(`${BASE}/entities/:kind/:namespace/:name`, ({ request }) => {
      asked.entity.push(new URL(request.url));
      return reply(answers.entity ?? ledger);
    }),
    http.get(`${BASE}/scorecards`, ({ request }) => {
      asked.scorecards.push(new URL(request.url));
      return reply(answers.scorecards ?? list);
    }),
    http.get(`${BASE}/rollups`, ({ request }) => {
      const url = new URL(request.url);
      asked.rollups.push(url);
      const by = url.searchParams.get('by') as RollupDimension;
      return reply(() => (answers.rollups ?? (b => rollups[b]))(by));
    }),
    http.get(`${BASE}/ranking`, ({ request }) => {
      asked.ranking.push(new URL(request.url));
      return reply(answers.ranking ?? ranking);
    }),
    http.get(`${BASE}/trend`, ({ request }) => {
      asked.trend.push(new URL(request.url));
      return reply(answers.trend ?? trend);
    }),
    http.post(`${BASE}/refresh`, ({ request }) => {
      asked.refresh.push(request);
      return reply(answers.refresh ?? collection);
    }),
  );
  return asked;
}

/** Allows scorecards.refresh, or denies it. */
export const permissions = (allowRefresh: boolean): PermissionApi => ({
  authorize: async () =>
    ({ result: allowRefresh ? 'ALLOW' : 'DENY' } as Awaited<
      ReturnType<PermissionApi['authorize']>
    >),
});

/** The app's config, as the test app takes it. */
export type AppConfig = NonNullable<
  Parameters<typeof renderInTestApp>[1]
>['config'];

export const serviceEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-ledger', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments-team' },
};

/** An element of the plugin with the real client and the catalog's routes. */
export function renderWithBackend(
  element: ReactElement,
  options: {
    allowRefresh?: boolean;
    entity?: boolean;
    config?: AppConfig;
  } = {},
) {
  const client = new ScorecardsClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  return renderInTestApp(
    options.entity ? (
      <EntityProvider entity={serviceEntity}>{element}</EntityProvider>
    ) : (
      element
    ),
    {
      apis: [
        [scorecardsApiRef, client],
        [permissionApiRef, permissions(options.allowRefresh ?? false)],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      config: options.config,
    },
  );
}
