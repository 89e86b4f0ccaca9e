import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { SloBoardLookup } from './SloLookup';

const board = {
  slos: [
    {
      service: 'svc-ledger',
      slo: 'requests-availability',
      alert: 'page',
      errorBudget: { remainingRatio: 0.6 },
    },
    {
      service: 'svc-ledger',
      slo: 'requests-latency',
      alert: 'ok',
      errorBudget: { remainingRatio: 0.9 },
    },
    {
      service: 'svc-wallet',
      slo: 'requests-availability',
      alert: 'ok',
      errorBudget: {},
    },
  ],
  errors: [],
  queries: 2,
};

describe('SloBoardLookup', () => {
  const make = (fetchImpl: typeof fetch) =>
    new SloBoardLookup({
      auth: mockServices.auth(),
      discovery: mockServices.discovery(),
      logger: mockServices.logger.mock(),
      timeoutMs: 500,
      fetch: fetchImpl,
    });

  it("keeps each service's most urgent SLO, asked on behalf of the user", async () => {
    const calls: [string, RequestInit][] = [];
    const lookup = make((async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return new Response(JSON.stringify(board));
    }) as unknown as typeof fetch);
    const result = await lookup.byService(
      mockCredentials.user('user:default/pager'),
    );
    expect(result?.get('svc-ledger')).toEqual({
      slo: 'requests-availability',
      alert: 'page',
      budgetRemainingRatio: 0.6,
    });
    expect(result?.get('svc-wallet')?.alert).toBe('ok');
    expect(calls[0][0]).toMatch(/\/api\/slo\/board$/);
    expect(
      (calls[0][1].headers as Record<string, string>).Authorization,
    ).toMatch(/^Bearer /);
  });

  it('gives up quietly when the SLO plugin fails, so alerts still show', async () => {
    const lookup = make(
      (async () =>
        new Response('{}', { status: 503 })) as unknown as typeof fetch,
    );
    expect(await lookup.byService(mockCredentials.user())).toBeUndefined();
    const broken = make(
      (async () =>
        new Response(
          JSON.stringify({ slos: [{ service: 1 }] }),
        )) as unknown as typeof fetch,
    );
    expect(await broken.byService(mockCredentials.user())).toBeUndefined();
  });
});
