import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { z } from 'zod';

/** One Prometheus server, as configured. */
export interface PrometheusServer {
  baseUrl: string;
  /** How long one call may take before it fails (ms). */
  timeoutMs: number;
}

const apiResponse = z.object({
  status: z.literal('success'),
  data: z.unknown(),
});
const apiError = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

// Prometheus writes sample values as strings ("0.5", "NaN", "+Inf").
const sampleValue = z.tuple([z.number(), z.string()]);
const vectorSample = z.object({
  metric: z.record(z.string(), z.string()),
  value: sampleValue,
});
const instantVector = z.object({
  resultType: z.literal('vector'),
  result: z.array(vectorSample),
});
const rangeMatrix = z.object({
  resultType: z.literal('matrix'),
  result: z.array(
    z.object({
      metric: z.record(z.string(), z.string()),
      values: z.array(sampleValue),
    }),
  ),
});

export type VectorSample = { labels: Record<string, string>; value: number };

/** One series of a range query; `t` in seconds since the epoch. */
export type RangeSeries = {
  labels: Record<string, string>;
  values: { t: number; value: number }[];
};

/** Bounds of a range query, in seconds since the epoch. */
export interface RangeOptions {
  start: number;
  end: number;
  /** Seconds between two points. */
  step: number;
}

const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  state: z.enum(['firing', 'pending', 'inactive']),
  activeAt: z.string().optional(),
  value: z.string().optional(),
});
const alertsData = z.object({ alerts: z.array(alertSchema) });
export type PrometheusAlert = z.infer<typeof alertSchema>;

/**
 * Prometheus refused the query itself (a PromQL syntax error, a matching
 * error while evaluating it): the query's author must fix it, retrying will
 * not help. An InputError, unlike the ServiceUnavailableError of an outage.
 */
export class PrometheusQueryError extends InputError {
  constructor(message: string, readonly errorType: string | undefined) {
    super(message);
  }
}

// Past this length a query goes in a POST body: proxies and Prometheus'
// own HTTP server cap the length of a URL.
const MAX_GET_URL = 4000;

/**
 * Calls the Prometheus HTTP API. Every failure (unreachable, slower than the
 * timeout, an error status, an answer that is not the API's shape) is a
 * ServiceUnavailableError that names the server and the cause, so a page can
 * show it and the rest of the portal keeps working; a query Prometheus
 * rejects is a PrometheusQueryError.
 */
export class PrometheusHttpClient {
  constructor(
    private readonly server: PrometheusServer,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseUrl() {
    return this.server.baseUrl;
  }

  /** GET /api/v1/alerts: the alerts that are firing. */
  async firingAlerts(): Promise<PrometheusAlert[]> {
    const data = this.parse(alertsData, await this.call('/api/v1/alerts'));
    return data.alerts.filter(a => a.state === 'firing');
  }

  /**
   * /api/v1/query: an instant query that returns a vector, evaluated now or
   * at `options.time` (seconds since the epoch).
   */
  async queryVector(
    query: string,
    options: { time?: number } = {},
  ): Promise<VectorSample[]> {
    const params: Record<string, string> = { query };
    if (options.time !== undefined) params.time = String(options.time);
    const data = this.parse(
      instantVector,
      await this.call('/api/v1/query', params),
    );
    return data.result.map(s => ({
      labels: s.metric,
      value: Number(s.value[1]),
    }));
  }

  /** /api/v1/query_range: the query evaluated at every step of a range. */
  async queryRange(query: string, range: RangeOptions): Promise<RangeSeries[]> {
    const { start, end, step } = range;
    if (!(step > 0) || !(end >= start)) {
      throw new InputError(
        `Invalid range: start ${start}, end ${end}, step ${step}`,
      );
    }
    const data = this.parse(
      rangeMatrix,
      await this.call('/api/v1/query_range', {
        query,
        start: String(start),
        end: String(end),
        step: String(step),
      }),
    );
    return data.result.map(s => ({
      labels: s.metric,
      values: s.values.map(([t, v]) => ({ t, value: Number(v) })),
    }));
  }

  private async call(
    path: string,
    params?: Record<string, string>,
  ): Promise<unknown> {
    const { baseUrl, timeoutMs } = this.server;
    const search = params ? new URLSearchParams(params).toString() : '';
    let url = `${baseUrl.replace(/\/$/, '')}${path}`;
    const init: RequestInit = {
      signal: AbortSignal.timeout(timeoutMs),
      headers: { Accept: 'application/json' },
    };
    if (search && url.length + search.length + 1 > MAX_GET_URL) {
      init.method = 'POST';
      init.body = search;
      init.headers = {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      };
    } else if (search) {
      url = `${url}?${search}`;
    }
    let response: Response;
    let body: unknown;
    try {
      response = await this.fetchImpl(url, init);
      const text = await response.text();
      try {
        body = JSON.parse(text);
      } catch {
        throw new ServiceUnavailableError(
          `Prometheus at ${baseUrl} answered ${response.status} with something that is not JSON`,
        );
      }
    } catch (error) {
      if (error instanceof ServiceUnavailableError) throw error;
      // The timeout covers reading the body too: a server that sends headers
      // and then stalls fails the same way as one that never answers.
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `did not answer within ${timeoutMs} ms`
          : `could not be reached (${(error as Error).message})`;
      throw new ServiceUnavailableError(`Prometheus at ${baseUrl} ${reason}`);
    }
    if (!response.ok) {
      const failure = apiError.safeParse(body);
      const detail = failure.success ? failure.data.error : undefined;
      const errorType = failure.success ? failure.data.errorType : undefined;
      const message = `Prometheus at ${baseUrl} answered ${response.status}${
        detail ? `: ${detail}` : ''
      }`;
      // 400 bad_data and 422 execution: the query is at fault, not the server.
      if (response.status === 400 || response.status === 422) {
        throw new PrometheusQueryError(message, errorType);
      }
      throw new ServiceUnavailableError(message);
    }
    const parsed = apiResponse.safeParse(body);
    if (!parsed.success) {
      throw this.shapeError(parsed.error, '');
    }
    return parsed.data.data;
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw this.shapeError(parsed.error, 'data.');
    return parsed.data;
  }

  private shapeError(error: z.ZodError, prefix: string) {
    const issue = error.issues[0];
    return new ServiceUnavailableError(
      `Prometheus at ${
        this.server.baseUrl
      } answered an unexpected shape at '${prefix}${issue.path.join('.')}': ${
        issue.message
      }`,
    );
  }
}
