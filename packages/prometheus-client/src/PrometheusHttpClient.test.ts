import { ServiceUnavailableError } from '@backstage/errors';
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
    client = new PrometheusHttpClient({ baseUrl, timeoutMs: 300 });
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
    await expect(bad).rejects.toThrow('parse error');

    prom.answer((_, res) => json(res, 503, { status: 'error', error: 'busy' }));
    const down = client.queryVector('up');
    await expect(down).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(down).rejects.toThrow(
      `Prometheus at ${baseUrl} answered 503: busy`,
    );
  });

  it('fails within the timeout when Prometheus does not answer', async () => {
    prom.answer(() => {}); // never answers
    const started = Date.now();
    await expect(client.queryVector('up')).rejects.toThrow(
      `Prometheus at ${baseUrl} did not answer within 300 ms`,
    );
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('names an answer of the wrong shape', async () => {
    prom.answer((_, res) =>
      json(res, 200, {
        status: 'success',
        data: { resultType: 'matrix', result: [] },
      }),
    );
    await expect(client.queryVector('up')).rejects.toThrow(
      "answered an unexpected shape at 'data.resultType'",
    );
  });

  it('says when Prometheus cannot be reached', async () => {
    const nowhere = new PrometheusHttpClient({
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 1000,
    });
    await expect(nowhere.queryVector('up')).rejects.toThrow(
      'Prometheus at http://127.0.0.1:9 could not be reached',
    );
  });
});
