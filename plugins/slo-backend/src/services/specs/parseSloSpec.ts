import { SloSpecFormat } from '@internal/plugin-slo-common';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  ParsedSloSpec,
  SloSpecError,
  SpecSli,
  SpecSlo,
  WINDOW_PLACEHOLDER,
} from './SloSpec';

/** A type error's message; "missing (…)" when the field is not there. */
const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? `missing (${what})` : what;

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const name = z
  .string({ error: expected('expected a name') })
  .regex(NAME, { error: 'expected a name of letters, digits, ".", "-", "_"' });

const hasWindow = (q: string) => q.search(WINDOW_PLACEHOLDER) >= 0;

/**
 * Why a query could reach outside its own parentheses, if it could. The
 * backend wraps each SLI query in its own expression and joins many into
 * one query: a query with unbalanced brackets or a comment could close that
 * wrapper and change the numbers of other services' SLOs.
 */
export function notSelfContained(q: string): string | undefined {
  const closing: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const open: string[] = [];
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '"' || c === "'" || c === '`') {
      // A string literal: skip to its end (backslash escapes, except in `…`).
      let j = i + 1;
      while (j < q.length && q[j] !== c)
        j += c !== '`' && q[j] === '\\' ? 2 : 1;
      if (j >= q.length) return 'has a string that is not closed';
      i = j;
    } else if (c === '#') {
      return 'must not contain a comment (#)';
    } else if (closing[c]) {
      open.push(c);
    } else if (c === ')' || c === ']' || c === '}') {
      const last = open.pop();
      if (!last || closing[last] !== c) return `has an unbalanced "${c}"`;
    }
  }
  return open.length ? `has an unclosed "${open[open.length - 1]}"` : undefined;
}

const query = z
  .string({ error: expected('expected a PromQL query') })
  .trim()
  .min(1, { error: 'expected a PromQL query' })
  .superRefine((q, ctx) => {
    const problem = notSelfContained(q);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
/** A Sloth query: PromQL with {{.window}} where the window goes. */
const windowQuery = query.refine(hasWindow, {
  error: 'must contain {{.window}} where the window goes',
});

const PERCENT = 'expected a number between 0 and 100';
const percent = z
  .number({ error: expected(PERCENT) })
  .gt(0, { error: PERCENT })
  .lt(100, { error: PERCENT });
const RATIO = 'expected a number between 0 and 1';
const ratio = z
  .number({ error: expected(RATIO) })
  .gt(0, { error: RATIO })
  .lt(1, { error: RATIO });

// ---------------------------------------------------------------- Sloth --

function slothSli(errorKey: string, totalKey: string, ratioKey: string) {
  return z
    .object({
      events: z
        .object({ [errorKey]: windowQuery, [totalKey]: windowQuery })
        .optional(),
      raw: z.object({ [ratioKey]: windowQuery }).optional(),
      plugin: z.unknown().optional(),
    })
    .superRefine((sli, ctx) => {
      if (sli.plugin !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['plugin'],
          message: 'Sloth SLI plugins are not supported: use events or raw',
        });
      } else if (!sli.events === !sli.raw) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected exactly one of events or raw',
        });
      }
    })
    .transform((sli): SpecSli => {
      if (sli.events) {
        return {
          type: 'events',
          errorQuery: sli.events[errorKey] as string,
          totalQuery: sli.events[totalKey] as string,
        };
      }
      return { type: 'ratio', errorRatioQuery: sli.raw![ratioKey] as string };
    });
}

function slothSlos(sli: ReturnType<typeof slothSli>) {
  return z
    .array(
      z.object({
        name,
        objective: percent,
        description: z.string().optional(),
        sli,
      }),
      { error: 'expected a list of SLOs' },
    )
    .min(1, { error: 'expected at least one SLO' });
}

const slothV1 = z.object({
  apiVersion: z.literal('sloth.slok.dev/v1'),
  kind: z.literal('PrometheusServiceLevel', {
    error: 'expected PrometheusServiceLevel',
  }),
  spec: z.object(
    {
      service: name,
      slos: slothSlos(slothSli('errorQuery', 'totalQuery', 'errorRatioQuery')),
    },
    { error: 'expected the service and its slos' },
  ),
});

const prometheusV1 = z.object({
  version: z.literal('prometheus/v1'),
  service: name,
  slos: slothSlos(slothSli('error_query', 'total_query', 'error_ratio_query')),
});

// -------------------------------------------------------------- OpenSLO --

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

// --------------------------------------------------------------- parse --

function fieldOf(path: PropertyKey[]): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`,
    )
    .join('');
}

function detailOf(issue: z.core.$ZodIssue): string {
  // zod says "expected string, received undefined" for a missing field.
  if (
    issue.code === 'invalid_type' &&
    /received undefined$/.test(issue.message)
  ) {
    return `missing (expected ${issue.expected})`;
  }
  return issue.message;
}

/**
 * Reads an SLO spec: a Sloth spec (`sloth.slok.dev/v1` PrometheusServiceLevel
 * or `prometheus/v1`) or OpenSLO `v1` documents (SLO, and the SLIs they
 * reference). Throws an SloSpecError naming the file and the field.
 */
export function parseSloSpec(text: string, file: string): ParsedSloSpec {
  const fail = (field: string | undefined, detail: string): never => {
    throw new SloSpecError(file, field, detail);
  };
  const docs = [...parseAllDocuments(text)]
    .map((d, i) => {
      const error = d.errors[0];
      if (error) fail(undefined, `YAML: ${error.message.split('\n')[0]}`);
      return { index: i, value: d.toJS() as unknown };
    })
    .filter(d => d.value !== null && d.value !== undefined);
  if (docs.length === 0) fail(undefined, 'the file is empty');
  const many = docs.length > 1;
  const prefix = (index: number, field: string) =>
    many ? `document ${index + 1}: ${field}` : field;

  function check<T>(
    schema: z.ZodType<T>,
    doc: { index: number; value: unknown },
  ) {
    const parsed = schema.safeParse(doc.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(prefix(doc.index, fieldOf(issue.path) || '(top)'), detailOf(issue));
    }
    return parsed.data as T;
  }

  const head = (v: unknown) =>
    (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const first = head(docs[0].value);
  let format: SloSpecFormat;
  if (first.apiVersion === 'sloth.slok.dev/v1') format = 'sloth.slok.dev/v1';
  else if (first.version === 'prometheus/v1') format = 'prometheus/v1';
  else if (first.apiVersion === 'openslo/v1') format = 'openslo/v1';
  else {
    return fail(
      prefix(
        docs[0].index,
        first.version !== undefined ? 'version' : 'apiVersion',
      ),
      'expected apiVersion sloth.slok.dev/v1 or openslo/v1, or version prometheus/v1',
    );
  }

  const slos: SpecSlo[] = [];
  if (format === 'sloth.slok.dev/v1' || format === 'prometheus/v1') {
    for (const doc of docs) {
      const spec =
        format === 'sloth.slok.dev/v1'
          ? check(slothV1, doc).spec
          : check(prometheusV1, doc);
      const base = format === 'sloth.slok.dev/v1' ? 'spec.slos' : 'slos';
      spec.slos.forEach((s, i) =>
        slos.push({
          service: spec.service,
          slo: s.name,
          // 99.9 / 100 is 0.9990000000000001 in floating point.
          objective: Number((s.objective / 100).toPrecision(12)),
          description: s.description,
          sli: s.sli,
          field: prefix(doc.index, `${base}[${i}].sli`),
        }),
      );
    }
  } else {
    const indicators = new Map<string, z.infer<typeof openSloSli>>();
    const sloDocs: { index: number; value: z.infer<typeof openSloSlo> }[] = [];
    for (const doc of docs) {
      const kind = head(doc.value).kind;
      if (kind === 'SLI') {
        const sli = check(openSloSliDoc, doc);
        indicators.set(sli.metadata.name, sli.spec);
      } else if (kind === 'SLO') {
        sloDocs.push({ index: doc.index, value: check(openSloSlo, doc) });
      } // Services, DataSources, AlertPolicies…: not needed here.
    }
    if (sloDocs.length === 0)
      fail(undefined, 'no OpenSLO document of kind SLO');
    for (const { index, value } of sloDocs) {
      slos.push(...openSloToSpec(value, index, indicators));
    }
  }

  const seen = new Set<string>();
  for (const s of slos) {
    const key = `${s.service}/${s.slo}`;
    if (seen.has(key))
      fail(s.field.replace(/\.sli$/, '.name'), `duplicate SLO ${key}`);
    seen.add(key);
  }
  return { format, slos };

  function openSloToSpec(
    doc: z.infer<typeof openSloSlo>,
    index: number,
    indicators: Map<string, z.infer<typeof openSloSli>>,
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
          ? Number((o.targetPercent / 100).toPrecision(12))
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
}
