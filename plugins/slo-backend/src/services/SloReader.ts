import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import {
  BURN_WINDOWS,
  BurnWindow,
  SloStatus,
} from '@internal/plugin-slo-common';
import { computeSloStatus, SloSeries } from './sloMath';

/** A Prometheus server the SLOs are read from. */
export interface NamedPrometheus {
  name: string;
  client: PrometheusHttpClient;
}

export interface SloReadResult {
  slos: SloStatus[];
  /** Servers that failed, with why; the SLOs of the others are still returned. */
  errors: { server: string; message: string }[];
  /** PromQL round trips made, whatever the number of services. */
  queries: number;
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Reads SLOs from Sloth's recording rules (`slo:sli_error:ratio_rate<window>`
 * and `slo:objective:ratio`, labels `sloth_service`, `sloth_slo`). Any
 * number of services costs two queries per Prometheus server.
 */
export class SloReader {
  constructor(
    private readonly servers: NamedPrometheus[],
    private readonly windowDays: number,
  ) {}

  async read(services: string[]): Promise<SloReadResult> {
    const bad = services.find(s => !SERVICE_NAME.test(s));
    if (bad !== undefined) {
      throw new InputError(`'${bad}' is not a service name`);
    }
    if (services.length === 0) return { slos: [], errors: [], queries: 0 };
    if (this.servers.length === 0) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured: set slo.prometheus',
      );
    }
    const selector = `sloth_service=~"${services.join('|')}"`;
    const periodWindow = `${this.windowDays}d`;
    const windows = [...BURN_WINDOWS, periodWindow].join('|');
    const errorQuery = `{__name__=~"slo:sli_error:ratio_rate(${windows})",${selector}}`;
    const objectiveQuery = `slo:objective:ratio{${selector}}`;

    const found = new Map<string, SloSeries>();
    const errors: SloReadResult['errors'] = [];
    let queries = 0;
    await Promise.all(
      this.servers.map(async ({ name, client }) => {
        queries += 2;
        try {
          const [ratios, objectives] = await Promise.all([
            client.queryVector(errorQuery),
            client.queryVector(objectiveQuery),
          ]);
          for (const o of objectives) {
            const key = `${o.labels.sloth_service}/${o.labels.sloth_slo}`;
            if (found.has(key)) continue; // first server wins
            found.set(key, {
              service: o.labels.sloth_service,
              slo: o.labels.sloth_slo,
              objective: o.value,
              windowDays: this.windowDays,
              errorRatios: {},
            });
          }
          for (const r of ratios) {
            const series = found.get(
              `${r.labels.sloth_service}/${r.labels.sloth_slo}`,
            );
            const window = r.labels.__name__?.replace(
              'slo:sli_error:ratio_rate',
              '',
            );
            if (!series || !window || !Number.isFinite(r.value)) continue;
            if (window === periodWindow) series.windowErrorRatio = r.value;
            else series.errorRatios[window as BurnWindow] = r.value;
          }
        } catch (error) {
          errors.push({ server: name, message: (error as Error).message });
        }
      }),
    );
    if (errors.length === this.servers.length) {
      throw new ServiceUnavailableError(errors.map(e => e.message).join('; '));
    }
    const slos = [...found.values()]
      .filter(
        s => Number.isFinite(s.objective) && s.objective > 0 && s.objective < 1,
      )
      .map(computeSloStatus);
    return { slos, errors, queries };
  }
}
