import { InputError, stringifyError } from '@backstage/errors';
import { DependencyError, describeCause } from '@internal/backend-helpers';
import { z } from 'zod';

/** One Prometheus server, as configured. */
export interface PrometheusServer {
  /**
   * Its name in the portal's config: messages call it "Prometheus 'name'",
   * never by its address.
   */
  name: string;
  baseUrl: string;
  /** How long one call may take before it fails (ms). */
  timeoutMs: number;
  /**
   * The config key that sets it, named in the hint of a failure, e.g.
   * `slo.prometheus[0]` or `runbooks.prometheus`.
   */
  configKey?: string;
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

// /api/v1/rules?type=alert: groups of alerting rules (recording rules are
// filtered out by Prometheus; any that slip through are dropped).
const alertingRuleSchema = z.object({
  type: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  annotations: z.record(z.string(), z.string()).default({}),
});
const rulesData = z.object({
  groups: z.array(
    z.object({ name: z.string(), rules: z.array(alertingRuleSchema) }),
  ),
});
/** An alerting rule Prometheus evaluates, firing or not. */
export type PrometheusAlertingRule = {
  group: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
};

/**
 * Prometheus refused the query itself (a PromQL syntax error, a matching
 * error while evaluating it): the query's author must fix it, retrying will
 * not help. An InputError, unlike the DependencyError (503) of an outage.
 * Its message holds Prometheus' words about the query, not the address.
 */
export class PrometheusQueryError extends InputError {
  constructor(
    message: string,
    readonly errorType: string | undefined,
    /** Prometheus' own words about the query, e.g. `1:5: parse error: …`. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

// Past this length a query goes in a POST body: proxies and Prometheus'
// own HTTP server cap the length of a URL.
const MAX_GET_URL = 4000;

/**
 * Calls the Prometheus HTTP API. Every failure (unreachable, slower than the
 * timeout, an error status, an answer that is not the API's shape) is a
 * DependencyError (503) that names the server by its configured name, says
 * what went wrong in plain words and which config key to check; the address
 * and the raw error are in its `detail`, for the log only. A query
 * Prometheus rejects is a PrometheusQueryError.
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

  /** GET /api/v1/rules?type=alert: every alerting rule, firing or not. */
  async alertingRules(): Promise<PrometheusAlertingRule[]> {
    const data = this.parse(
      rulesData,
      await this.call('/api/v1/rules', { type: 'alert' }),
    );
    return data.groups.flatMap(g =>
      g.rules
        .filter(r => r.type === 'alerting')
        .map(r => ({
          group: g.name,
          name: r.name,
          labels: r.labels,
          annotations: r.annotations,
        })),
    );
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
    const endpoint = `${baseUrl.replace(/\/$/, '')}${path}`;
    let url = endpoint;
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
    // For the log only: the address, never the query (it may be long).
    const request = `${init.method ?? 'GET'} ${endpoint}`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, init);
      // The timeout covers reading the body too: a server that sends headers
      // and then stalls fails the same way as one that never answers.
      text = await response.text();
    } catch (error) {
      const problem = describeCause(error, timeoutMs);
      let hint = `check ${this.key('baseUrl')} in the portal config`;
      if (problem.startsWith('did not answer')) {
        hint = `check that it is up, or raise ${this.key(
          'timeoutMs',
        )} if it is only slow`;
      } else if (this.isLocal()) {
        hint = `start the dev services with make start, or check ${this.key(
          'baseUrl',
        )}`;
      }
      throw this.failure(problem, hint, `${request}: ${causes(error)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.failure(
        `answered ${response.status} with something that is not JSON`,
        `check that ${this.key('baseUrl')} points at the Prometheus HTTP API`,
        `${request} answered ${response.status}: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) {
      const failure = apiError.safeParse(body);
      const reason = failure.success ? failure.data.error : undefined;
      const errorType = failure.success ? failure.data.errorType : undefined;
      // 400 bad_data and 422 execution: the query is at fault, not the server.
      if (response.status === 400 || response.status === 422) {
        throw new PrometheusQueryError(
          `${this.dependency} rejected the query${reason ? `: ${reason}` : ''}`,
          errorType,
          reason,
        );
      }
      const refused = response.status === 401 || response.status === 403;
      throw this.failure(
        refused
          ? `refused the portal's credentials (HTTP ${response.status})`
          : `answered HTTP ${response.status}`,
        refused
          ? `check that the portal may read ${this.key(
              'baseUrl',
            )} without signing in`
          : `check that it is up and that ${this.key('baseUrl')} points at it`,
        `${request} answered ${response.status}${reason ? `: ${reason}` : ''}`,
      );
    }
    const parsed = apiResponse.safeParse(body);
    if (!parsed.success) {
      throw this.shapeError(parsed.error, '');
    }
    return parsed.data.data;
  }

  /** "Prometheus 'platform'": how messages name the server. */
  private get dependency() {
    return `Prometheus '${this.server.name}'`;
  }

  /** On this machine (the dev services of make start), not the platform's. */
  private isLocal(): boolean {
    try {
      const host = new URL(this.server.baseUrl).hostname;
      return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
    } catch {
      return false;
    }
  }

  /** The config key to check, e.g. slo.prometheus[0].timeoutMs. */
  private key(field?: string) {
    const base = this.server.configKey;
    if (!base) return field ? `its ${field}` : 'its entry';
    return field ? `${base}.${field}` : base;
  }

  private failure(problem: string, hint: string, detail: string) {
    return new DependencyError({
      dependency: this.dependency,
      problem,
      hint,
      detail,
    });
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw this.shapeError(parsed.error, 'data.');
    return parsed.data;
  }

  private shapeError(error: z.ZodError, prefix: string) {
    const issue = error.issues[0];
    return this.failure(
      `answered an unexpected shape at '${prefix}${issue.path.join('.')}'`,
      `check that ${this.key('baseUrl')} points at the Prometheus HTTP API`,
      `${this.server.baseUrl}: ${issue.message}`,
    );
  }
}

/** An error and its causes in one line, for the log: "fetch failed: connect ECONNREFUSED 10.0.0.1:9090". */
function causes(error: unknown): string {
  const parts: string[] = [];
  let node: unknown = error;
  while (node && parts.length < 5) {
    parts.push(stringifyError(node));
    node = (node as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
