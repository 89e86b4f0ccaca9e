import { http, HttpResponse } from 'msw';
import { SetupServer } from 'msw/node';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { coreApis } from '@backstage/frontend-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  PermissionApi,
  permissionApiRef,
} from '@backstage/plugin-permission-react';
import { ComplianceReport, Trend } from '@internal/plugin-kyverno-common';
import { KyvernoClient, kyvernoApiRef } from '../../api/KyvernoClient';
import { CompliancePage } from '../CompliancePage';
import { complianceReport } from './testData';

export const BASE = 'http://backend.test/api/kyverno';

/** What the page asked the backend, route by route. */
export type Asked = { compliance: URL[]; trend: URL[]; export: URL[] };

/**
 * The Kyverno backend over HTTP (msw): the compliance report, the trend
 * and the export, each request kept for the test to read.
 */
export function serveKyverno(
  server: SetupServer,
  options: {
    compliance?: () => ComplianceReport | Response | Promise<Response>;
    trend?: Trend;
    exported?: () => Response;
  } = {},
): Asked {
  const asked: Asked = { compliance: [], trend: [], export: [] };
  server.use(
    http.get(`${BASE}/compliance`, ({ request }) => {
      asked.compliance.push(new URL(request.url));
      const body = options.compliance?.() ?? complianceReport();
      return body instanceof Response || body instanceof Promise
        ? body
        : HttpResponse.json(body);
    }),
    http.get(`${BASE}/trend`, ({ request }) => {
      asked.trend.push(new URL(request.url));
      return HttpResponse.json(options.trend ?? { points: [] });
    }),
    http.get(`${BASE}/export`, ({ request }) => {
      asked.export.push(new URL(request.url));
      return (
        options.exported?.() ??
        new HttpResponse(
          'cluster,report,policy\nprod-eu,r,require-run-as-non-root\n',
          {
            headers: {
              'Content-Type': 'text/csv',
              'Content-Disposition':
                'attachment; filename="kyverno-evidence-snapshot-42.csv"',
            },
          },
        )
      );
    }),
  );
  return asked;
}

/** The compliance page at this address, with the real client. */
export async function renderCompliancePage(
  address = '/compliance',
  options: { exportAllowed?: boolean } = {},
) {
  const client = new KyvernoClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  const allowed = options.exportAllowed ?? true;
  const permission: PermissionApi = {
    authorize: async () =>
      ({ result: allowed ? 'ALLOW' : 'DENY' } as Awaited<
        ReturnType<PermissionApi['authorize']>
      >),
  };
  const rendered = await renderInTestApp(<CompliancePage />, {
    apis: [
      [kyvernoApiRef, client],
      [permissionApiRef, permission],
    ],
    mountPath: '/compliance',
    initialRouteEntries: [address],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
  });
  const location = () =>
    rendered.apis.get(coreApis.appHistory)!.getSnapshot().location;
  return { ...rendered, location };
}
