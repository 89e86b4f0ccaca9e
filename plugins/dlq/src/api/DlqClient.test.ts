import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { DlqClient } from './DlqClient';

const base = 'http://backend.test/api/dlq';
const entityRef = 'component:default/svc-ledger';

describe('DlqClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const fetchApi = { fetch: jest.fn((input, init) => fetch(input, init)) };
  const client = new DlqClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi,
  });

  it('asks for the newest 200 dead letters of the entity, through fetchApi', async () => {
    let asked: URL | undefined;
    server.use(
      http.get(`${base}/dead-letters`, ({ request }) => {
        asked = new URL(request.url);
        return HttpResponse.json({
          entityRef,
          source: 'dramatiq:ledger.',
          queues: [],
          items: [],
          total: 0,
          limit: 200,
        });
      }),
    );
    const list = await client.getDeadLetters(entityRef);
    expect(list.source).toBe('dramatiq:ledger.');
    expect(asked?.searchParams.get('entityRef')).toBe(entityRef);
    expect(asked?.searchParams.get('limit')).toBe('200');
    expect(asked?.searchParams.has('reveal')).toBe(false);
    expect(fetchApi.fetch).toHaveBeenCalled();

    await client.getDeadLetters(entityRef, { reveal: true });
    expect(asked?.searchParams.get('reveal')).toBe('true');
  });

  it('asks for the latest 50 actions', async () => {
    let asked: URL | undefined;
    server.use(
      http.get(`${base}/actions`, ({ request }) => {
        asked = new URL(request.url);
        return HttpResponse.json({ items: [{ id: 1 }] });
      }),
    );
    expect(await client.getActions(entityRef)).toEqual([{ id: 1 }]);
    expect(asked?.searchParams.get('entityRef')).toBe(entityRef);
    expect(asked?.searchParams.get('limit')).toBe('50');
  });

  it('posts a replay and a discard as JSON, and returns the dead letter', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(`${base}/dead-letters/replay`, async ({ request }) => {
        expect(request.headers.get('content-type')).toBe('application/json');
        bodies.push(await request.json());
        return HttpResponse.json({ replayed: { key: 'a1' } });
      }),
      http.post(`${base}/dead-letters/discard`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({ discarded: { key: 'b2' } });
      }),
    );
    expect(
      await client.replay({ entityRef, queue: 'critical', key: 'a1' }),
    ).toEqual({ key: 'a1' });
    expect(
      await client.discard({
        entityRef,
        queue: 'high',
        key: 'b2',
        reason: 'wallet erased (GDPR erasure)',
      }),
    ).toEqual({ key: 'b2' });
    expect(bodies).toEqual([
      { entityRef, queue: 'critical', key: 'a1' },
      {
        entityRef,
        queue: 'high',
        key: 'b2',
        reason: 'wallet erased (GDPR erasure)',
      },
    ]);
  });

  it("throws the backend's error, with its status", async () => {
    server.use(
      http.post(`${base}/dead-letters/replay`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'No dead letter a1' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client
      .replay({ entityRef, queue: 'critical', key: 'a1' })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.message).toBe('No dead letter a1');
  });
});
