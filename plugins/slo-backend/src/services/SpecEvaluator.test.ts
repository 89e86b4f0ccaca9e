import { PrometheusHttpClient } from '@internal/prometheus-client';
import { SpecEvaluator, SpecSloItem } from './SpecEvaluator';

/** A fake Prometheus answering each tagged part with the value chosen. */
function prometheus(
  value: (part: string) => string | string[] | undefined,
  seen: string[] = [],
): typeof fetch {
  return (async (url: string, init?: RequestInit) => {
    const params = init?.body
      ? new URLSearchParams(String(init.body))
      : new URL(url).searchParams;
    const query = params.get('query')!;
    seen.push(query);
    const tags = [...query.matchAll(/"slo_part", "([^"]+)"/g)].map(m => m[1]);
    const result = tags.flatMap(tag => {
      const v = value(tag);
      if (v === undefined) return [];
      return [v].flat().map((x, k) => ({
        metric: { slo_part: tag, ...(k ? { code: String(k) } : {}) },
        value: [0, x],
      }));
    });
    return new Response(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result },
      }),
    );
  }) as unknown as typeof fetch;
}

const item = (slo: string, windowDays?: number): SpecSloItem => ({
  entityRef: 'component:default/svc-ledger',
  file: 'slo/sloth.yaml',
  format: 'openslo/v1',
  slo: {
    service: 'svc-ledger',
    slo,
    objective: 0.99,
    windowDays,
    sli: {
      type: 'events',
      errorQuery: 'sum(rate(errors[{{.window}}]))',
      totalQuery: 'sum(rate(total[{{.window}}]))',
    },
    field: 'spec.indicator.spec',
  },
});

const server = (name: string, fetchImpl: typeof fetch) => ({
  name,
  client: new PrometheusHttpClient(
    {
      name,
      baseUrl: `http://${name}.test:9090`,
      timeoutMs: 500,
      configKey: `slo.prometheus.${name}`,
    },
    fetchImpl,
  ),
});

describe('SpecEvaluator', () => {
  it('asks a 1-day window once, and uses it as burn window and SLO window', async () => {
    const seen: string[] = [];
    const evaluator = new SpecEvaluator(
      [
        server(
          'a',
          prometheus(part => (part.endsWith(':1d') ? '0.02' : '0.01'), seen),
        ),
      ],
      30,
    );
    const { results, queries } = await evaluator.evaluate([item('daily', 1)]);
    expect(queries).toBe(1);
    expect(seen[0].match(/"0:1d"/g)).toHaveLength(1);
    expect(results[0].windowDays).toBe(1);
    expect(results[0].burnRates['1d']).toBeCloseTo(2, 10);
    expect(results[0].errorBudget.remainingRatio).toBeCloseTo(-1, 10);
    // 1% of a day, 14.4 minutes.
    expect(results[0].errorBudget.totalMinutes).toBeCloseTo(14.4, 10);
  });

  it('lists an SLO without traffic (0/0) without numbers', async () => {
    const evaluator = new SpecEvaluator(
      [
        server(
          'a',
          prometheus(() => 'NaN'),
        ),
      ],
      30,
    );
    const { results } = await evaluator.evaluate([item('quiet')]);
    expect(results[0].sli).toBeUndefined();
    expect(results[0].burnRates).toEqual({});
    expect(results[0].alert).toBe('ok');
  });

  it('reports an SLI that returns several series, on its SLO only', async () => {
    const evaluator = new SpecEvaluator(
      [
        server(
          'a',
          prometheus(part =>
            part.startsWith('0:') ? ['0.1', '0.2'] : '0.001',
          ),
        ),
      ],
      30,
    );
    const { results, problems } = await evaluator.evaluate([
      item('grouped'),
      item('fine'),
    ]);
    expect(results.map(r => r.slo)).toEqual(['fine']);
    expect(problems).toEqual([
      {
        entityRef: 'component:default/svc-ledger',
        file: 'slo/sloth.yaml',
        message:
          'slo/sloth.yaml: spec.indicator.spec: the SLI of grouped returns several series; aggregate its queries with sum()',
      },
    ]);
  });

  it('takes each SLO from the first server that knows it, and names the one down', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const evaluator = new SpecEvaluator(
      [
        server('down', down),
        server(
          'first',
          prometheus(part => (part.startsWith('0:') ? undefined : '0.01')),
        ),
        server(
          'second',
          prometheus(() => '0.02'),
        ),
      ],
      30,
      { maxQueryChars: 1 }, // one SLO per query
    );
    const { results, errors, queries } = await evaluator.evaluate([
      item('a'),
      item('b'),
    ]);
    expect(queries).toBe(6); // 2 SLOs x 3 servers
    // Words for people, no address: the answer carries them to the page.
    expect(errors).toEqual([
      {
        server: 'down',
        message:
          "Prometheus 'down' failed: check slo.prometheus.down.baseUrl in the portal config",
      },
    ]);
    expect(results.map(r => [r.slo, r.burnRates['1h']])).toEqual([
      ['a', expect.closeTo(2, 10)], // only the second server knows a
      ['b', expect.closeTo(1, 10)],
    ]);
  });

  it('fails as a whole when every server is down', async () => {
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    const evaluator = new SpecEvaluator([server('down', down)], 30);
    await expect(evaluator.evaluate([item('a')])).rejects.toThrow(
      "Prometheus 'down' failed: check slo.prometheus.down.baseUrl in the portal config",
    );
  });

  it("reports a query Prometheus rejects on its spec, in Prometheus' words", async () => {
    const rejecting = (async () =>
      new Response(
        JSON.stringify({
          status: 'error',
          errorType: 'bad_data',
          error: '1:5: parse error: unexpected ")"',
        }),
        { status: 400 },
      )) as unknown as typeof fetch;
    const evaluator = new SpecEvaluator([server('a', rejecting)], 30);
    const { problems } = await evaluator.evaluate([item('broken')]);
    expect(problems).toEqual([
      {
        entityRef: 'component:default/svc-ledger',
        file: 'slo/sloth.yaml',
        message:
          'slo/sloth.yaml: spec.indicator.spec: Prometheus rejected the SLI query of broken: 1:5: parse error: unexpected ")"',
      },
    ]);
  });
});
