import { ServiceUnavailableError } from '@backstage/errors';
import {
  PrometheusAlert,
  PrometheusHttpClient,
} from '@internal/prometheus-client';

export type { PrometheusAlert };

/** The firing alerts of the configured Prometheus (runbooks.prometheus). */
export class PrometheusAlerts {
  private readonly client?: PrometheusHttpClient;

  constructor(options: {
    /** Its name in messages (runbooks.prometheus.name). */
    name: string;
    /** Unset: firing() says how to configure it. */
    baseUrl?: string;
    timeoutMs: number;
    fetch?: typeof fetch;
  }) {
    if (options.baseUrl) {
      this.client = new PrometheusHttpClient(
        {
          name: options.name,
          baseUrl: options.baseUrl,
          timeoutMs: options.timeoutMs,
          configKey: 'runbooks.prometheus',
        },
        options.fetch,
      );
    }
  }

  async firing(): Promise<PrometheusAlert[]> {
    if (!this.client) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured: set runbooks.prometheus.baseUrl',
      );
    }
    return this.client.firingAlerts();
  }
}
