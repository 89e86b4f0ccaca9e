import { ServiceUnavailableError } from '@backstage/errors';
import { withoutAddresses } from '@internal/backend-helpers';
import { PrometheusQueryError } from '@internal/prometheus-client';
import {
  BURN_WINDOWS,
  BurnWindow,
  SloBudgetSeries,
  SloServerError,
  SloSpecFormat,
  SloSpecProblem,
  SloWithEntity,
} from '@internal/plugin-slo-common';
import { NamedPrometheus } from './SloReader';
import {
  burnDownByEvents,
  burnDownByTime,
  computeSloStatus,
  hourlyRange,
} from './sloMath';
import { tagged, union, unionChunks } from './promql';
import { SpecSlo, withWindow } from './specs/SloSpec';
import { everyServerFailed, SourceErrors } from './sourceErrors';

/** One SLO of a spec file, with the entity that points to the file. */
export interface SpecSloItem {
  entityRef: string;
  file: string;
  format: SloSpecFormat;
  slo: SpecSlo;
}

export interface SpecEvaluation<T> {
  results: T[];
  errors: SloServerError[];
  /** SLI queries Prometheus rejected, each naming the file and the field. */
  problems: SloSpecProblem[];
  queries: number;
}

/** The label that tells the parts of a union apart: `<item>:<part>`. */
const KEY = 'slo_part';

type Series = {
  labels: Record<string, string>;
  values: { t: number; value: number }[];
};

/**
 * Evaluates the SLI queries of spec files against Prometheus. Every SLO
 * needs its error ratio over eight windows (5m … 3d and its whole window);
 * rather than a query per window, the windows of many SLOs are tagged with
 * label_replace and joined with `or` into as few queries as fit in
 * `maxQueryChars` (sent by POST when long). When Prometheus rejects such a
 * union, its SLOs are queried one by one so that only the faulty spec
 * reports an error.
 */
export class SpecEvaluator {
  constructor(
    private readonly servers: NamedPrometheus[],
    private readonly defaultWindowDays: number,
    private readonly options: {
      now?: () => number;
      maxQueryChars?: number;
      /** How a server that failed is reported beside the others' SLOs. */
      errors?: SourceErrors;
    } = {},
  ) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  private windowDaysOf(item: SpecSloItem) {
    return item.slo.windowDays ?? this.defaultWindowDays;
  }

  /** The current status of each SLO: budgets, burn rates, alert state. */
  async evaluate(items: SpecSloItem[]): Promise<SpecEvaluation<SloWithEntity>> {
    const time = this.now() / 1000;
    const run = await this.runChunked(
      items,
      (item, i) => {
        // A 1d or 3d SLO window is also a burn window: ask for it once.
        const windows = [
          ...new Set<string>([...BURN_WINDOWS, `${this.windowDaysOf(item)}d`]),
        ];
        return union(
          windows.map(w => tagged(errorRatio(item.slo, w), KEY, `${i}:${w}`)),
        );
      },
      (client, query) => client.queryVector(query, { time }),
    );

    const results: SloWithEntity[] = [];
    const answers = run.answers.map(byItem);
    items.forEach((item, i) => {
      if (run.rejected.has(i)) return; // its problem says why
      const windowDays = this.windowDaysOf(item);
      const periodWindow = `${windowDays}d`;
      // The first server, in the configured order, that knows the SLO.
      for (const answer of answers) {
        const mine = answer.get(i);
        if (!mine) continue;
        const errorRatios: Partial<Record<BurnWindow, number>> = {};
        let windowErrorRatio: number | undefined;
        const windowsSeen = new Set<string>();
        for (const { part: window, sample: s } of mine) {
          if (windowsSeen.has(window)) {
            // An SLI is one ratio: queries grouped `by` something give many.
            run.problems.push({
              entityRef: item.entityRef,
              file: item.file,
              message: `${item.file}: ${item.slo.field}: the SLI of ${item.slo.slo} returns several series; aggregate its queries with sum()`,
            });
            return;
          }
          windowsSeen.add(window);
          // 0/0 (no traffic) is NaN: no data rather than a made-up number.
          if (!Number.isFinite(s.value)) continue;
          if (window === periodWindow) windowErrorRatio = s.value;
          if ((BURN_WINDOWS as readonly string[]).includes(window)) {
            errorRatios[window as BurnWindow] = s.value;
          }
        }
        results.push({
          ...computeSloStatus({
            service: item.slo.service,
            slo: item.slo.slo,
            objective: item.slo.objective,
            windowDays,
            windowErrorRatio,
            errorRatios,
            description: item.slo.description,
            source: { type: 'spec', file: item.file, format: item.format },
          }),
          entityRef: item.entityRef,
        });
        return;
      }
      // No server has data (yet): the SLO is still listed, without numbers.
      results.push({
        ...computeSloStatus({
          service: item.slo.service,
          slo: item.slo.slo,
          objective: item.slo.objective,
          windowDays,
          errorRatios: {},
          description: item.slo.description,
          source: { type: 'spec', file: item.file, format: item.format },
        }),
        entityRef: item.entityRef,
      });
    });
    return {
      results,
      errors: run.errors,
      problems: run.problems,
      queries: run.queries,
    };
  }

  /**
   * The error budget of each SLO spent hour by hour over its window: a range
   * query of its errors and events (or error ratio) over 1h at 1h steps.
   */
  async history(
    items: SpecSloItem[],
  ): Promise<SpecEvaluation<SloBudgetSeries>> {
    const longest = Math.max(
      this.defaultWindowDays,
      ...items.map(i => this.windowDaysOf(i)),
    );
    const now = this.now();
    const range = hourlyRange(now, longest);
    const run = await this.runChunked(
      items,
      (item, i) => {
        const { sli } = item.slo;
        if (sli.type === 'ratio') {
          return tagged(
            withWindow(sli.errorRatioQuery, '1h'),
            KEY,
            `${i}:ratio`,
          );
        }
        return union([
          tagged(`(${withWindow(sli.errorQuery, '1h')})`, KEY, `${i}:error`),
          tagged(`(${withWindow(sli.totalQuery, '1h')})`, KEY, `${i}:total`),
        ]);
      },
      (client, query) => client.queryRange(query, range),
    );

    const results: SloBudgetSeries[] = [];
    const answers = run.answers.map(byItem);
    items.forEach((item, i) => {
      if (run.rejected.has(i)) return;
      const windowDays = this.windowDaysOf(item);
      const from = hourlyRange(now, windowDays).start;
      const base = {
        service: item.slo.service,
        slo: item.slo.slo,
        objective: item.slo.objective,
        windowDays,
      };
      for (const answer of answers) {
        const parts = answer.get(i);
        if (!parts) continue;
        const mine = new Map(parts.map(p => [p.part, p.sample]));
        const inWindow = (s?: Series) =>
          new Map(
            (s?.values ?? [])
              .filter(v => v.t >= from && Number.isFinite(v.value))
              .map(v => [v.t, v.value]),
          );
        if (item.slo.sli.type === 'ratio') {
          const ratios = inWindow(mine.get('ratio'));
          results.push({
            ...base,
            weighting: 'time',
            points: burnDownByTime(
              [...ratios].map(([t, ratio]) => ({ t: t * 1000, ratio })),
              item.slo.objective,
            ),
          });
        } else {
          // Rates per second over each hour; x 3600 gives the hour's counts.
          // An hour with events but no error series had no errors.
          const errors = inWindow(mine.get('error'));
          const totals = inWindow(mine.get('total'));
          results.push({
            ...base,
            weighting: 'events',
            points: burnDownByEvents(
              [...totals].map(([t, total]) => ({
                t: t * 1000,
                total: total * 3600,
                errors: (errors.get(t) ?? 0) * 3600,
              })),
              item.slo.objective,
            ),
          });
        }
        return;
      }
      results.push({ ...base, weighting: 'events', points: [] });
    });
    return {
      results,
      errors: run.errors,
      problems: run.problems,
      queries: run.queries,
    };
  }

  /**
   * Sends the parts of all items as unions to every server. Returns the
   * answers per server (in the configured order), the servers that failed,
   * the items whose queries Prometheus rejected, and the round trips made.
   */
  private async runChunked<R extends { labels: Record<string, string> }>(
    items: SpecSloItem[],
    partOfItem: (item: SpecSloItem, index: number) => string,
    send: (client: NamedPrometheus['client'], query: string) => Promise<R[]>,
  ) {
    const parts = items.map(partOfItem);
    const chunks = unionChunks(parts, this.options.maxQueryChars ?? 60_000);
    const failures: { server: string; error: unknown }[] = [];
    const problems = new Map<number, SloSpecProblem>();
    let queries = 0;
    if (items.length === 0) {
      return {
        answers: [] as R[][],
        errors: [] as SloServerError[],
        problems: [],
        rejected: new Set<number>(),
        queries,
      };
    }
    if (this.servers.length === 0) {
      throw new ServiceUnavailableError(
        'No Prometheus is configured: set slo.prometheus',
      );
    }
    const reject = (i: number, error: PrometheusQueryError) => {
      const { file, entityRef, slo } = items[i];
      // Prometheus' words about the query: what the spec's author must fix.
      const reason = withoutAddresses(error.reason ?? error.message);
      problems.set(i, {
        entityRef,
        file,
        message: `${file}: ${slo.field}: Prometheus rejected the SLI query of ${slo.slo}: ${reason}`,
      });
    };
    const answers = await Promise.all(
      this.servers.map(async ({ name, client }) => {
        const found: R[] = [];
        let failure: unknown;
        await Promise.all(
          chunks.map(async chunk => {
            queries += 1;
            try {
              found.push(
                ...(await send(client, union(chunk.map(i => parts[i])))),
              );
            } catch (error) {
              if (!(error instanceof PrometheusQueryError)) {
                failure ??= error;
                return;
              }
              if (chunk.length === 1) {
                reject(chunk[0], error);
                return;
              }
              // Find which spec is at fault: one query per SLO of the union.
              await Promise.all(
                chunk.map(async i => {
                  queries += 1;
                  try {
                    found.push(...(await send(client, parts[i])));
                  } catch (e) {
                    if (e instanceof PrometheusQueryError) reject(i, e);
                    else failure ??= e;
                  }
                }),
              );
            }
          }),
        );
        if (failure) failures.push({ server: name, error: failure });
        return found;
      }),
    );
    if (failures.length === this.servers.length) {
      throw everyServerFailed(failures);
    }
    const reporter = this.options.errors ?? new SourceErrors();
    return {
      answers,
      errors: failures.map(f => reporter.serverError(f.server, f.error)),
      problems: [...problems.values()],
      rejected: new Set(problems.keys()),
      queries,
    };
  }
}

/**
 * The error ratio of an SLO over one window, as Sloth's recording rules
 * compute it: errors / total. When the error query has no series at all
 * (no request ever failed, so no 5xx counter exists) while the total has,
 * the ratio is 0, not missing: `or total * 0` fills that in.
 */
export function errorRatio(slo: SpecSlo, window: string): string {
  if (slo.sli.type === 'ratio') {
    return `(${withWindow(slo.sli.errorRatioQuery, window)})`;
  }
  const errors = withWindow(slo.sli.errorQuery, window);
  const total = withWindow(slo.sli.totalQuery, window);
  return `(((${errors}) or ((${total}) * 0)) / (${total}))`;
}

/** The series of an answer by the item they belong to, with their part. */
function byItem<T extends { labels: Record<string, string> }>(
  answer: T[],
): Map<number, { part: string; sample: T }[]> {
  const found = new Map<number, { part: string; sample: T }[]>();
  for (const sample of answer) {
    const match = /^(\d+):(.+)$/.exec(sample.labels[KEY] ?? '');
    if (!match) continue;
    const i = Number(match[1]);
    const parts = found.get(i) ?? [];
    parts.push({ part: match[2], sample });
    found.set(i, parts);
  }
  return found;
}
