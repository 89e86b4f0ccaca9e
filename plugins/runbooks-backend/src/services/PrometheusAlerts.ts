import { ServiceUnavailableError } from '@backstage/errors';
import { z } from 'zod';

/** One alert as Prometheus' GET /api/v1/alerts returns it. */
const alertSchema = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  state: z.enum(['firing', 'pending', 'inactive']),
  activeAt: z.string().optional(),
  value: z.string().optional(),
});

const alertsResponseSchema = z.object({
  status: z.literal('success'),
  data: z.object({ alerts: z.array(alertSchema) }),
});

export type PrometheusAlert = z.infer<typeof alertSchema>;

/**
 * Reads alerts from Prometheus' HTTP API. Every failure (not configured,
 * unreachable, slower than the timeout, an answer that is not the API's
 * shape) is a ServiceUnavailableError that says which.
 */
export class PrometheusAlerts {
  constructor(
    private readonly options: {
      baseUrl: string | undefined;
      timeoutMs: number;
      fetch?: typeof fetch;
    },
  ) {}

  async firing(): Promise<PrometheusAlert[]> {
    const { baseUrl, timeoutMs } = this.options;
    if (!baseUrl) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured: set runbooks.prometheus.baseUrl',
      );
    }
    const url = `${baseUrl.replace(/\/$/, '')}/api/v1/alerts`;
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(url, {
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
    if (!response.ok) {
      throw new ServiceUnavailableError(
        `Prometheus at ${baseUrl} answered ${response.status} ${response.statusText}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ServiceUnavailableError(
        `Prometheus at ${baseUrl} answered with something that is not JSON`,
      );
    }
    const parsed = alertsResponseSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceUnavailableError(
        `Prometheus at ${baseUrl} answered an unexpected shape at '${issue.path.join(
          '.',
        )}': ${issue.message}`,
      );
    }
    return parsed.data.data.alerts.filter(a => a.state === 'firing');
  }
}
