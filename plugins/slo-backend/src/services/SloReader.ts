import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import {
  BURN_WINDOWS,
  BurnWindow,
  SloBudgetSeries,
  SloServerError,
  SloStatus,
} from '@internal/plugin-slo-common';
import {
  burnDownByTime,
  computeSloStatus,
  hourlyRange,
  SloSeries,
} from './sloMath';
import { everyServerFailed, SourceErrors } from './sourceErrors';

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
/** Whether a name can be put in a query as a Sloth service. */
export const isServiceName = (s: string) => SERVICE_NAME.test(s);

/**
 * Reads SLOs from Sloth's recording rules (`slo:sli_error:ratio_rate<window>`
 * and `slo:objective:ratio`, labels `sloth_service`, `sloth_slo`). Any
 * number of services costs two queries per Prometheus server.
 */
export class SloReader {
  constructor(
    private readonly servers: NamedPrometheus[],
    readonly windowDays: number,
    private readonly options: {
      /** The instant queries are evaluated at (ms); now by default. */
      now?: () => number;
      /** How a server that failed is reported beside the others' SLOs. */
      errors?: SourceErrors;
    } = {},
  ) {}

  private get errors() {
    return this.options.errors ?? new SourceErrors();
  }

  async read(services: string[]): Promise<SloReadResult> {
    checkServiceNames(services);
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
    const failures: { server: string; error: unknown }[] = [];
    let queries = 0;
    // Both queries at the same instant, so ratios and objectives agree.
    const time = (this.options.now ?? Date.now)() / 1000;
    await Promise.all(
      this.servers.map(async ({ name, client }) => {
        queries += 2;
        try {
          const [ratios, objectives] = await Promise.all([
            client.queryVector(errorQuery, { time }),
            client.queryVector(objectiveQuery, { time }),
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
              source: { type: 'sloth-rules' },
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
          failures.push({ server: name, error });
        }
      }),
    );
    if (failures.length === this.servers.length) {
      throw everyServerFailed(failures);
    }
    const errors = failures.map(f =>
      this.errors.serverError(f.server, f.error),
    );
    const slos = [...found.values()]
      .filter(
        s => Number.isFinite(s.objective) && s.objective > 0 && s.objective < 1,
      )
      .map(computeSloStatus);
    return { slos, errors, queries };
  }

  /**
   * The error budget of each SLO of a service over its window, spent hour
   * by hour: one range query of `slo:sli_error:ratio_rate1h` (and the
   * objective) per server. Sloth records ratios, not event counts, so every
   * hour weighs the same (see burnDownByTime).
   */
  async history(service: string): Promise<{
    series: SloBudgetSeries[];
    errors: SloServerError[];
    queries: number;
  }> {
    checkServiceNames([service]);
    if (this.servers.length === 0) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured: set slo.prometheus',
      );
    }
    const range = hourlyRange(
      (this.options.now ?? Date.now)(),
      this.windowDays,
    );
    // One selector for both names: `or` matches series without their names,
    // so `a or b` would drop b's series that carry the same labels as a's.
    const query = `{__name__=~"slo:sli_error:ratio_rate1h|slo:objective:ratio",sloth_service="${service}"}`;
    const found = new Map<string, SloBudgetSeries>();
    const failures: { server: string; error: unknown }[] = [];
    const answers = await Promise.all(
      this.servers.map(async ({ name, client }) => {
        try {
          return await client.queryRange(query, range);
        } catch (error) {
          failures.push({ server: name, error });
          return [];
        }
      }),
    );
    if (failures.length === this.servers.length) {
      throw everyServerFailed(failures);
    }
    const errors: SloServerError[] = failures.map(f =>
      this.errors.serverError(f.server, f.error),
    );
    for (const series of answers) {
      const bySlo = new Map<
        string,
        { objective?: number; ratios?: (typeof series)[0] }
      >();
      for (const s of series) {
        const slo = s.labels.sloth_slo;
        if (!slo) continue;
        const entry = bySlo.get(slo) ?? {};
        if (s.labels.__name__ === 'slo:objective:ratio') {
          entry.objective = s.values.at(-1)?.value;
        } else {
          entry.ratios = s;
        }
        bySlo.set(slo, entry);
      }
      for (const [slo, { objective, ratios }] of bySlo) {
        if (found.has(slo) || objective === undefined || !ratios) continue;
        if (!(objective > 0 && objective < 1)) continue;
        const points = ratios.values
          .filter(v => Number.isFinite(v.value))
          .map(v => ({ t: v.t * 1000, ratio: v.value }));
        found.set(slo, {
          service,
          slo,
          objective,
          windowDays: this.windowDays,
          weighting: 'time',
          points: burnDownByTime(points, objective),
        });
      }
    }
    return {
      series: [...found.values()],
      errors,
      queries: this.servers.length,
    };
  }
}

function checkServiceNames(services: string[]) {
  const bad = services.find(s => !SERVICE_NAME.test(s));
  if (bad !== undefined) {
    throw new InputError(`'${bad}' is not a service name`);
  }
}
