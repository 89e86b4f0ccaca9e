import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { TemplateUpgradesClient } from './TemplateUpgradesClient';

const base = 'http://backend.test/api/template-upgrades';
const entity = { kind: 'Component', namespace: 'Default', name: 'svc-ledger' };

describe('TemplateUpgradesClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const fetchApi = { fetch: jest.fn((input, init) => fetch(input, init)) };
  const client = new TemplateUpgradesClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi,
  });

  it('asks for the drift list and an entity’s drift and proposal, through fetchApi', async () => {
    const asked: string[] = [];
    const keep = ({ request }: { request: Request }) => {
      asked.push(`${request.method} ${new URL(request.url).pathname}`);
      return HttpResponse.json({ entityRef: 'component:default/svc-ledger' });
    };
    server.use(
      http.get(`${base}/drift`, keep),
      http.get(`${base}/entities/:kind/:namespace/:name/drift`, keep),
      http.get(`${base}/entities/:kind/:namespace/:name/proposal`, keep),
    );
    await client.getDrift();
    const drift = await client.getServiceDrift(entity);
    await client.getProposal(entity);
    expect(drift.entityRef).toBe('component:default/svc-ledger');
    expect(asked).toEqual([
      'GET /api/template-upgrades/drift',
      'GET /api/template-upgrades/entities/component/default/svc-ledger/drift',
      'GET /api/template-upgrades/entities/component/default/svc-ledger/proposal',
    ]);
    expect(fetchApi.fetch).toHaveBeenCalled();
  });

  it('posts the upgrade without a body, and fails with the backend’s error', async () => {
    let request: Request | undefined;
    server.use(
      http.post(
        `${base}/entities/:kind/:namespace/:name/upgrade`,
        ({ request: r }) => {
          request = r;
          return HttpResponse.json(
            {
              error: {
                name: 'NotAllowedError',
                message: 'Only the owning team can upgrade svc-ledger',
              },
              response: { statusCode: 403 },
            },
            { status: 403 },
          );
        },
      ),
    );
    const failure = await client.createUpgrade(entity).catch(e => e);
    expect(request?.method).toBe('POST');
    expect(new URL(request!.url).pathname).toBe(
      '/api/template-upgrades/entities/component/default/svc-ledger/upgrade',
    );
    expect(await request?.text()).toBe('');
    expect(failure).toBeInstanceOf(ResponseError);
    expect(failure.statusCode).toBe(403);
    expect(failure.cause.message).toBe(
      'Only the owning team can upgrade svc-ledger',
    );
  });
});
