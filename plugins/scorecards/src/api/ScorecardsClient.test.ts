import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { ScorecardsClient } from './ScorecardsClient';

const base = 'http://backend.test/api/scorecards';

describe('ScorecardsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const fetchApi = { fetch: jest.fn((input, init) => fetch(input, init)) };
  const client = new ScorecardsClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi,
  });

  it("asks for an entity's scorecard by kind, namespace and name, through fetchApi", async () => {
    let asked: URL | undefined;
    server.use(
      http.get(`${base}/entities/:kind/:namespace/:name`, ({ request }) => {
        asked = new URL(request.url);
        return HttpResponse.json({ entityRef: 'component:default/svc-ledger' });
      }),
    );
    const card = await client.getEntityScorecard({
      kind: 'Component',
      namespace: 'default',
      name: 'svc-ledger',
    });
    expect(card.entityRef).toBe('component:default/svc-ledger');
    expect(asked?.pathname).toBe(
      '/api/scorecards/entities/component/default/svc-ledger',
    );
    expect(fetchApi.fetch).toHaveBeenCalled();
  });

  it('sends only the filters that are set, and the rollup dimension and trend range', async () => {
    const asked: URL[] = [];
    const keep = ({ request }: { request: Request }) => {
      asked.push(new URL(request.url));
      return HttpResponse.json({});
    };
    server.use(
      http.get(`${base}/scorecards`, keep),
      http.get(`${base}/rollups`, keep),
      http.get(`${base}/ranking`, keep),
      http.get(`${base}/trend`, keep),
    );
    await client.getScorecards();
    await client.getScorecards({
      owner: 'group:default/payments-team',
      domain: 'domain:default/finance',
    });
    await client.getRollup('system');
    await client.getRanking();
    await client.getTrend();
    expect(asked.map(u => `${u.pathname}${u.search}`)).toEqual([
      '/api/scorecards/scorecards',
      '/api/scorecards/scorecards?owner=group%3Adefault%2Fpayments-team&domain=domain%3Adefault%2Ffinance',
      '/api/scorecards/rollups?by=system',
      '/api/scorecards/ranking',
      '/api/scorecards/trend?days=30',
    ]);
  });

  it('posts a refresh without a body, and fails with the backend’s error', async () => {
    let request: Request | undefined;
    server.use(
      http.post(`${base}/refresh`, async ({ request: r }) => {
        request = r;
        return HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'Platform admins only' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        );
      }),
    );
    const failure = await client.refresh().catch(e => e);
    expect(request?.method).toBe('POST');
    expect(await request?.text()).toBe('');
    expect(failure).toBeInstanceOf(ResponseError);
    expect(failure.statusCode).toBe(403);
    expect(failure.cause.message).toBe('Platform admins only');
  });
});
