import { z } from 'zod';
import { SpecSli, SpecSlo } from '../SloSpec';
import { SpecContext, SpecFormat } from './SpecFormat';
import {
  hasWindow,
  name,
  percent,
  percentToRatio,
  query,
  ratio,
  topLevel,
} from './shared';

// OpenSLO v1: SLO documents, and the SLI documents they reference, in one
// file. Only Prometheus metric sources and rolling windows are supported.

const SELECTOR = /^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{([^{}]*)\})?\s*$/;

const metricSource = z.object({
  metricSource: z.object({
    type: z
      .string({ error: 'expected a data source type' })
      .refine(t => t.toLowerCase() === 'prometheus', {
        error: 'only Prometheus is supported',
      }),
    spec: z.object({ query }),
  }),
});

const openSloSli = z.object({
  thresholdMetric: metricSource.optional(),
  ratioMetric: z
    .object({
      counter: z.boolean().default(true),
      good: metricSource.optional(),
      bad: metricSource.optional(),
      total: metricSource.optional(),
      rawType: z.enum(['success', 'failure']).optional(),
      raw: metricSource.optional(),
    })
    .superRefine((m, ctx) => {
      if (m.raw) {
        if (!m.rawType) {
          ctx.addIssue({
            code: 'custom',
            path: ['rawType'],
            message: 'expected success or failure with a raw metric',
          });
        }
      } else if (!m.total) {
        ctx.addIssue({
          code: 'custom',
          path: ['total'],
          message: 'expected a total metric (or a raw one)',
        });
      } else if (!m.good === !m.bad) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected exactly one of good or bad',
        });
      }
    })
    .optional(),
});
type OpenSloSli = z.infer<typeof openSloSli>;

const openSloIndicator = z.object({
  metadata: z.object({ name: z.string().optional() }).optional(),
  spec: openSloSli,
});

const DURATION = /^(\d+)([dw])$/;
const openSloSlo = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('SLO'),
  metadata: z.object({ name, displayName: z.string().optional() }),
  spec: z.object({
    description: z.string().optional(),
    service: name,
    indicator: openSloIndicator.optional(),
    indicatorRef: z.string().optional(),
    timeWindow: z
      .array(
        z.object({
          duration: z.string().regex(DURATION, {
            error: 'expected a duration in days or weeks, e.g. 30d or 4w',
          }),
          isRolling: z.literal(true, {
            error: 'only rolling windows are supported',
          }),
        }),
      )
      .length(1, { error: 'expected one time window' })
      .optional(),
    budgetingMethod: z.literal('Occurrences', {
      error: 'only Occurrences is supported',
    }),
    objectives: z
      .array(
        z.object({
          displayName: z.string().optional(),
          target: ratio.optional(),
          targetPercent: percent.optional(),
          op: z.enum(['lt', 'lte', 'gt', 'gte']).optional(),
          value: z.number({ error: 'expected a number' }).optional(),
        }),
      )
      .min(1, { error: 'expected at least one objective' }),
  }),
});
type OpenSloSlo = z.infer<typeof openSloSlo>;

const openSloSliDoc = z.object({
  apiVersion: z.literal('openslo/v1'),
  kind: z.literal('SLI'),
  metadata: z.object({ name }),
  spec: openSloSli,
});

/** `metric{a="b"}` with one more matcher, e.g. le="0.2". */
function addMatcher(selector: string, matcher: string): string | undefined {
  const m = SELECTOR.exec(selector);
  if (!m) return undefined;
  const existing = m[2]?.trim();
  return `${m[1]}{${existing ? `${existing},` : ''}${matcher}}`;
}

/** An OpenSLO query as a Sloth-style template over `{{.window}}`. */
function windowed(
  q: string,
  counter: boolean,
  field: string,
  fail: (field: string, detail: string) => never,
): string {
  if (hasWindow(q)) return q;
  if (!SELECTOR.test(q)) {
    fail(
      field,
      'expected a metric selector, e.g. http_requests_total{code="500"}, or a query with {{.window}}',
    );
  }
  // Counters are rated over the window; other metrics averaged over it.
  return counter
    ? `sum(rate(${q.trim()}[{{.window}}]))`
    : `sum(avg_over_time(${q.trim()}[{{.window}}]))`;
}

/** The `le` matcher of a bucket bound: clients write 1 as "1" or "1.0". */
function leMatcher(value: number): string {
  if (Number.isInteger(value)) return `le=~"${value}|${value}\\\\.0"`;
  return `le="${value}"`;
}

function openSloToSpec(
  doc: OpenSloSlo,
  index: number,
  indicators: Map<string, OpenSloSli>,
  { fail, prefix }: SpecContext,
): SpecSlo[] {
  const { spec, metadata } = doc;
  let sli = spec.indicator?.spec;
  let sliField = prefix(index, 'spec.indicator.spec');
  if (!sli && spec.indicatorRef) {
    sli = indicators.get(spec.indicatorRef);
    if (!sli) {
      fail(
        prefix(index, 'spec.indicatorRef'),
        `no SLI named ${spec.indicatorRef} in this file`,
      );
    }
    sliField = `SLI ${spec.indicatorRef}: spec`;
  }
  if (!sli)
    return fail(
      prefix(index, 'spec'),
      'expected an indicator or an indicatorRef',
    );
  const duration = spec.timeWindow?.[0].duration;
  const windowDays = duration
    ? Number(DURATION.exec(duration)![1]) *
      (DURATION.exec(duration)![2] === 'w' ? 7 : 1)
    : undefined;

  return spec.objectives.map((o, i) => {
    const objectiveField = prefix(index, `spec.objectives[${i}]`);
    const objective =
      o.target ??
      (o.targetPercent !== undefined
        ? percentToRatio(o.targetPercent)
        : undefined);
    if (objective === undefined) {
      fail(
        objectiveField,
        'expected a target (0-1) or a targetPercent (0-100)',
      );
    }
    let specSli: SpecSli;
    if (sli!.ratioMetric) {
      const m = sli!.ratioMetric;
      const f = `${sliField}.ratioMetric`;
      const q = (part: 'good' | 'bad' | 'total' | 'raw') =>
        windowed(
          m[part]!.metricSource.spec.query,
          m.counter,
          `${f}.${part}.metricSource.spec.query`,
          fail,
        );
      if (m.raw) {
        const raw = q('raw');
        specSli = {
          type: 'ratio',
          errorRatioQuery: m.rawType === 'failure' ? raw : `1 - (${raw})`,
        };
      } else {
        const total = q('total');
        specSli = {
          type: 'events',
          errorQuery: m.bad ? q('bad') : `(${total}) - (${q('good')})`,
          totalQuery: total,
        };
      }
    } else if (sli!.thresholdMetric) {
      // Latency from a histogram: good events are those in the bucket of
      // the threshold, bad = total - bucket{le=threshold}.
      const f = `${sliField}.thresholdMetric.metricSource.spec.query`;
      const selector = sli!.thresholdMetric.metricSource.spec.query;
      const m = SELECTOR.exec(selector);
      if (!m || !m[1].endsWith('_bucket') || /\ble\s*[=!]/.test(m[2] ?? '')) {
        fail(
          f,
          'expected the selector of a histogram\'s buckets without le, e.g. http_request_duration_seconds_bucket{service="x"}',
        );
      }
      if (o.value === undefined || (o.op !== 'lt' && o.op !== 'lte')) {
        fail(
          objectiveField,
          'a threshold objective needs op lt or lte and a value (the bucket bound, e.g. 0.2)',
        );
      }
      const rate = (matcher: string) =>
        `sum(rate(${addMatcher(selector, matcher)}[{{.window}}]))`;
      const total = rate('le="+Inf"');
      specSli = {
        type: 'events',
        errorQuery: `(${total}) - (${rate(leMatcher(o.value!))})`,
        totalQuery: total,
      };
    } else {
      return fail(sliField, 'expected a ratioMetric or a thresholdMetric');
    }
    const suffix =
      spec.objectives.length > 1 ? `-${o.displayName ?? String(i + 1)}` : '';
    const slo = `${metadata.name}${suffix}`
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, '-');
    return {
      service: spec.service,
      slo,
      objective: objective!,
      description: spec.description ?? metadata.displayName,
      windowDays,
      sli: specSli,
      field: sliField,
    };
  });
}

export const openSloV1: SpecFormat = {
  format: 'openslo/v1',
  versionField: 'apiVersion',
  parse: (docs, context) => {
    const { check, fail } = context;
    const indicators = new Map<string, OpenSloSli>();
    const sloDocs: { index: number; value: OpenSloSlo }[] = [];
    for (const doc of docs) {
      const kind = topLevel(doc.value).kind;
      if (kind === 'SLI') {
        const sli = check(openSloSliDoc, doc);
        indicators.set(sli.metadata.name, sli.spec);
      } else if (kind === 'SLO') {
        sloDocs.push({ index: doc.index, value: check(openSloSlo, doc) });
      } // Services, DataSources, AlertPolicies…: not needed here.
    }
    if (sloDocs.length === 0)
      fail(undefined, 'no OpenSLO document of kind SLO');
    return sloDocs.flatMap(({ index, value }) =>
      openSloToSpec(value, index, indicators, context),
    );
  },
};
