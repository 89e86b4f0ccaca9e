import { ServiceUnavailableError } from '@backstage/errors';
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

const vectorSample = z.object({
  metric: z.record(z.string(), z.string()),
  value: z.tuple([z.number(), z.string()]),
});
const instantVector = z.object({
  resultType: z.literal('vector'),
  result: z.array(vectorSample),
});

export type VectorSample = { labels: Record<string, string>; value: number };

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
 * Calls the Prometheus HTTP API. Every failure (unreachable, slower than the
 * timeout, an error status, an answer that is not the API's shape) is a
 * ServiceUnavailableError that names the server and the cause, so a page can
 * show it and the rest of the portal keeps working.
 */
export class PrometheusHttpClient {
  constructor(
    private readonly server: PrometheusServer,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** GET /api/v1/alerts: the alerts that are firing. */
  async firingAlerts(): Promise<PrometheusAlert[]> {
    const data = this.parse(alertsData, await this.get('/api/v1/alerts'));
    return data.alerts.filter(a => a.state === 'firing');
  }

  /** GET /api/v1/query: an instant query that returns a vector. */
  async queryVector(query: string): Promise<VectorSample[]> {
    const data = this.parse(
      instantVector,
      await this.get(`/api/v1/query?${new URLSearchParams({ query })}`),
    );
    return data.result.map(s => ({
      labels: s.metric,
      value: Number(s.value[1]),
    }));
  }

  private async get(path: string): Promise<unknown> {
    const { baseUrl, timeoutMs } = this.server;
    const url = `${baseUrl.replace(/\/$/, '')}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { Accept: 'application/json' },
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError'
          ? `did not answer within ${timeoutMs} ms`
          : `could not be reached (${(error as Error).message})`;
      throw new ServiceUnavailableError(`Prometheus at ${baseUrl} ${reason}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ServiceUnavailableError(
        `Prometheus at ${baseUrl} answered ${response.status} with something that is not JSON`,
      );
    }
    if (!response.ok) {
      const detail = (body as { error?: string })?.error;
      throw new ServiceUnavailableError(
        `Prometheus at ${baseUrl} answered ${response.status}${
          detail ? `: ${detail}` : ''
        }`,
      );
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
