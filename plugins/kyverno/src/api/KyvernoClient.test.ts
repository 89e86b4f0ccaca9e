import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { filenameOf, KyvernoClient, queryString } from './KyvernoClient';

const base = 'http://backend.test/api/kyverno';

describe('KyvernoClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const fetchApi = { fetch: jest.fn((input, init) => fetch(input, init)) };
  const client = new KyvernoClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi,
  });

  it("asks for an entity's results by kind, namespace and name, each encoded, through fetchApi", async () => {
    let asked: string | undefined;
    server.use(
      http.get(`${base}/entities/*`, ({ request }) => {
        asked = request.url;
        return HttpResponse.json({ entityRef: 'x' });
      }),
    );
    await client.getEntityResults({
      kind: 'Component',
      namespace: 'default',
      name: 'svc ledger/#1',
    });
    expect(asked).toBe(
      `${base}/entities/component/default/svc%20ledger%2F%231/results`,
    );
    expect(fetchApi.fetch).toHaveBeenCalled();
  });

  it('sends the compliance filter as comma-separated lists, leaving out what is unset', async () => {
    let asked: URL | undefined;
    server.use(
      http.get(`${base}/compliance`, ({ request }) => {
        asked = new URL(request.url);
        return HttpResponse.json({});
      }),
    );
    await client.getCompliance(
      {
        standard: 'PCI-DSS',
        severity: ['critical', 'high'],
        policy: [],
        outcome: ['fail'],
        system: 'system:default/loyalty',
        namespace: '',
      },
      { limit: 100 },
    );
    expect(asked?.search).toBe(
      '?standard=PCI-DSS&severity=critical,high&outcome=fail&system=system%3Adefault%2Floyalty&limit=100',
    );
    expect(Object.fromEntries(asked!.searchParams)).toEqual({
      standard: 'PCI-DSS',
      severity: 'critical,high',
      outcome: 'fail',
      system: 'system:default/loyalty',
      limit: '100',
    });
  });

  it('asks for the trend of a range and the latest snapshots', async () => {
    const asked: URL[] = [];
    server.use(
      http.get(`${base}/trend`, ({ request }) => {
        asked.push(new URL(request.url));
        return HttpResponse.json({ points: [] });
      }),
      http.get(`${base}/snapshots`, ({ request }) => {
        asked.push(new URL(request.url));
        return HttpResponse.json({ snapshots: [] });
      }),
    );
    await client.getTrend(
      { from: '2025-03-01T00:00:00.000Z', to: '2025-03-31T00:00:00.000Z' },
      { cluster: 'prod-eu', owner: 'group:default/product-team' },
    );
    await client.getSnapshots({ limit: 5 });
    expect(Object.fromEntries(asked[0].searchParams)).toEqual({
      from: '2025-03-01T00:00:00.000Z',
      to: '2025-03-31T00:00:00.000Z',
      cluster: 'prod-eu',
      owner: 'group:default/product-team',
    });
    expect(asked[1].search).toBe('?limit=5');
  });

  it('returns an export as a blob named by Content-Disposition', async () => {
    let asked: URL | undefined;
    server.use(
      http.get(`${base}/export`, ({ request }) => {
        asked = new URL(request.url);
        return new HttpResponse('cluster,report\n', {
          headers: {
            'Content-Type': 'text/csv',
            'Content-Disposition': 'attachment; filename="evidence-42.csv"',
          },
        });
      }),
    );
    const file = await client.exportEvidence({
      format: 'csv',
      snapshot: 42,
      filter: { severity: ['critical'] },
    });
    expect(file.filename).toBe('evidence-42.csv');
    expect(await file.blob.text()).toBe('cluster,report\n');
    expect(asked?.search).toBe('?format=csv&snapshot=42&severity=critical');
  });

  it("throws the backend's error, with its status", async () => {
    server.use(
      http.get(`${base}/export`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'kyverno.evidence.export is not granted',
            },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client
      .exportEvidence({
        format: 'json',
        from: '2025-03-01T00:00:00.000Z',
        to: '2025-03-02T00:00:00.000Z',
      })
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe('kyverno.evidence.export is not granted');
  });
});

describe('filenameOf', () => {
  it.each([
    ['attachment; filename="a.csv"', 'a.csv'],
    ['attachment; filename=b.json', 'b.json'],
    ["attachment; filename*=UTF-8''c%20d.csv", 'c d.csv'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    [null, 'fallback.csv'],
    ['attachment', 'fallback.csv'],
  ])('%s → %s', (header, name) => {
    expect(filenameOf(header, 'fallback.csv')).toBe(name);
  });
});

describe('queryString', () => {
  it('encodes each value and joins lists with commas', () => {
    expect(
      queryString({ a: 'x&y', b: ['p q', 'r,s'], c: undefined, d: [], e: 0 }),
    ).toBe('a=x%26y&b=p%20q,r%2Cs&e=0');
  });
});
