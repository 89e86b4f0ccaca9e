import { ServiceUnavailableError } from '@backstage/errors';
import { DependencyError } from '@internal/backend-helpers';
import { freePort } from '@internal/test-services';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  PrometheusHttpClient,
  PrometheusQueryError,
} from './PrometheusHttpClient';

type Seen = { method: string; url: string; body: string };

/** A stand-in Prometheus on loopback whose answers each test sets. */
function fakePrometheus() {
  const seen: Seen[] = [];
  let answer: (req: Seen, res: http.ServerResponse) => void = (_, res) =>
    res.end('{}');
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, body };
      seen.push(s);
      answer(s, res);
    });
  });
  return {
    seen,
    answer: (fn: typeof answer) => (answer = fn),
    start: () =>
      new Promise<string>(resolve =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(resolve));
    },
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('PrometheusHttpClient', () => {
  const prom = fakePrometheus();
  let baseUrl: string;
  let client: PrometheusHttpClient;
  beforeAll(async () => {
    baseUrl = await prom.start();
    client = new PrometheusHttpClient({
      name: 'platform',
      baseUrl,
      timeoutMs: 300,
      configKey: 'slo.prometheus[0]',
    });
  });
  afterAll(() => prom.stop());
  beforeEach(() => prom.seen.splice(0));

  it('sends an instant query by GET, at the time asked, and reads the vector', async () => {
    prom.answer((_, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: { a: 'b' }, value: [1700000000, '0.25'] }],
        },
      }),
    );
    const result = await client.queryVector('up', { time: 1700000000 });
    expect(result).toEqual([{ labels: { a: 'b' }, value: 0.25 }]);
    expect(prom.seen[0].method).toBe('GET');
    const url = new URL(prom.seen[0].url, baseUrl);
    expect(url.pathname).toBe('/api/v1/query');
    expect(url.searchParams.get('query')).toBe('up');
    expect(url.searchParams.get('time')).toBe('1700000000');
  });

  it('sends a long query in a POST body', async () => {
    prom.answer((_, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'vector', result: [] },
      }),
    );
    const long = Array.from({ length: 400 }, (_, i) => `vector(${i})`).join(
      ' or ',
    );
    await client.queryVector(long);
    expect(prom.seen[0].method).toBe('POST');
    expect(new URLSearchParams(prom.seen[0].body).get('query')).toBe(long);
  });

  it('reads a range query as series of points', async () => {
    prom.answer((_, res) =>
      json(res, 200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { slo: 'x' },
              values: [
                [100, '1'],
                [160, 'NaN'],
              ],
            },
          ],
        },
      }),
    );
    const series = await client.queryRange('up', {
      start: 100,
      end: 160,
      step: 60,
    });
    expect(series).toEqual([
      {
        labels: { slo: 'x' },
        values: [
          { t: 100, value: 1 },
          { t: 160, value: NaN },
        ],
      },
    ]);
    const url = new URL(prom.seen[0].url, baseUrl);
    expect(url.pathname).toBe('/api/v1/query_range');
    expect(url.searchParams.get('step')).toBe('60');
  });

  it('refuses a range that ends before it starts, without calling', async () => {
    await expect(
      client.queryRange('up', { start: 10, end: 5, step: 1 }),
    ).rejects.toThrow('Invalid range');
    expect(prom.seen).toHaveLength(0);
  });

  it('tells a rejected query from an outage', async () => {
    prom.answer((_, res) =>
      json(res, 400, {
        status: 'error',
        errorType: 'bad_data',
        error: '1:5: parse error: unexpected ")"',
      }),
    );
    const bad = client.queryVector('sum())');
    await expect(bad).rejects.toBeInstanceOf(PrometheusQueryError);
    await expect(bad).rejects.toThrow(
      "Prometheus 'platform' rejected the query: 1:5: parse error",
    );

    prom.answer((_, res) => json(res, 503, { status: 'error', error: 'busy' }));
    const down = await client.queryVector('up').catch(e => e);
    expect(down).toBeInstanceOf(ServiceUnavailableError);
    expect(down).toBeInstanceOf(DependencyError);
    expect(down.message).toBe(
      "Prometheus 'platform' answered HTTP 503: check that it is up and that slo.prometheus[0].baseUrl points at it",
    );
    // The address and Prometheus' own words are for the log.
    expect(down.detail).toBe(`GET ${baseUrl}/api/v1/query answered 503: busy`);
  });

  it('fails within the timeout when Prometheus does not answer, saying which key to change', async () => {
    prom.answer(() => {}); // never answers
    const started = Date.now();
    const error = await client.queryVector('up').catch(e => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).toBe(
      "Prometheus 'platform' did not answer within 300 ms: check that it is up, or raise slo.prometheus[0].timeoutMs if it is only slow",
    );
    expect(error.detail).toContain(`GET ${baseUrl}/api/v1/query`);
  });

  it('names an answer of the wrong shape', async () => {
    prom.answer((_, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'matrix', result: [] },
      }),
    );
    await expect(client.queryVector('up')).rejects.toThrow(
      "Prometheus 'platform' answered an unexpected shape at 'data.resultType'",
    );
  });

  it('names an answer that is not JSON (a proxy page)', async () => {
    prom.answer((_, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>502 Bad Gateway from proxy.internal:8080</html>');
    });
    const error = await client.queryVector('up').catch(e => e);
    expect(error.message).toBe(
      "Prometheus 'platform' answered 502 with something that is not JSON: check that slo.prometheus[0].baseUrl points at the Prometheus HTTP API",
    );
    expect(error.detail).toContain('proxy.internal:8080');
  });

  it('says when Prometheus cannot be reached, with the address in the detail only', async () => {
    const port = await freePort(); // nothing listens on it
    const nowhere = new PrometheusHttpClient({
      name: 'eu-west-1b',
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 1000,
      configKey: 'slo.prometheus[1]',
    });
    const error = await nowhere.queryVector('up').catch(e => e);
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).toBe(
      // On this machine: the dev services of make start.
      "Prometheus 'eu-west-1b' refused the connection (is it running?): start the dev services with make start, or check slo.prometheus[1].baseUrl",
    );
    expect(error.detail).toMatch(
      new RegExp(
        `^GET http://127.0.0.1:${port}/api/v1/query: .*ECONNREFUSED 127.0.0.1:${port}`,
      ),
    );
  });

  it('never puts the address in a message', async () => {
    const answers: ((res: http.ServerResponse) => void)[] = [
      res => json(res, 503, { status: 'error', error: `busy at ${baseUrl}` }),
      res => json(res, 401, { status: 'error', error: 'unauthorized' }),
      res => res.end('not json'),
      res => json(res, 200, { status: 'success', data: { result: 'x' } }),
    ];
    const host = new URL(baseUrl).host;
    for (const answer of answers) {
      prom.answer((_, res) => answer(res));
      const error = await client.queryVector('up').catch(e => e);
      expect(error).toBeInstanceOf(DependencyError);
      expect(error.message).not.toContain(host);
      expect(error.message).not.toContain('127.0.0.1');
      expect(JSON.stringify(error)).not.toContain(host);
    }
  });
});
