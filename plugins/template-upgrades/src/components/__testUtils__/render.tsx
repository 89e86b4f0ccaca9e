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
import { ReactElement } from 'react';
import {
  TemplateUpgradesClient,
  templateUpgradesApiRef,
} from '../../api/TemplateUpgradesClient';
import { driftList, ledgerDrift, proposal, upgradeResult } from './testData';

export const BASE = 'http://backend.test/api/template-upgrades';

type Answer = () => object | Response | Promise<Response>;

const reply = (answer: Answer) => {
  const body = answer();
  return body instanceof Response || body instanceof Promise
    ? body
    : HttpResponse.json(body);
};

/** What the frontend asked the backend, route by route. */
export type Asked = {
  drift: URL[];
  entityDrift: URL[];
  proposal: URL[];
  upgrade: Request[];
};

/**
 * The template upgrades backend over HTTP (msw), each request kept for
 * the test to read; any route's answer can be replaced.
 */
export function serveTemplateUpgrades(
  server: SetupServer,
  answers: Partial<Record<keyof Asked, Answer>> = {},
): Asked {
  const asked: Asked = {
    drift: [],
    entityDrift: [],
    proposal: [],
    upgrade: [],
  };
  server.use(
    http.get(`${BASE}/drift`, ({ request }) => {
      asked.drift.push(new URL(request.url));
      return reply(answers.drift ?? driftList);
    }),
    http.get(`${BASE}/entities/:kind/:namespace/:name/drift`, ({ request }) => {
      asked.entityDrift.push(new URL(request.url));
      return reply(answers.entityDrift ?? ledgerDrift);
    }),
    http.get(
      `${BASE}/entities/:kind/:namespace/:name/proposal`,
      ({ request }) => {
        asked.proposal.push(new URL(request.url));
        return reply(answers.proposal ?? proposal);
      },
    ),
    http.post(
      `${BASE}/entities/:kind/:namespace/:name/upgrade`,
      ({ request }) => {
        asked.upgrade.push(request);
        return reply(answers.upgrade ?? upgradeResult);
      },
    ),
  );
  return asked;
}

/** Allows template-upgrades.create, or denies it; keeps what was asked. */
export const permissions = (
  allowCreate: boolean,
  asked: Parameters<PermissionApi['authorize']>[0][] = [],
): PermissionApi => ({
  authorize: async request => {
    asked.push(request);
    return { result: allowCreate ? 'ALLOW' : 'DENY' } as Awaited<
      ReturnType<PermissionApi['authorize']>
    >;
  },
});

export const serviceEntity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: {
      'local-plus.io/template': 'template:default/svc-typescript',
      'local-plus.io/template-version': '1.1.0',
    },
  },
  spec: { type: 'service', owner: 'group:default/payments-team' },
};

/** An element of the plugin with the real client and the catalog's routes. */
export function renderWithBackend(
  element: ReactElement,
  options: {
    allowCreate?: boolean;
    permissionRequests?: Parameters<PermissionApi['authorize']>[0][];
    entity?: boolean;
  } = {},
) {
  const client = new TemplateUpgradesClient({
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
        [templateUpgradesApiRef, client],
        [
          permissionApiRef,
          permissions(options.allowCreate ?? false, options.permissionRequests),
        ],
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}
