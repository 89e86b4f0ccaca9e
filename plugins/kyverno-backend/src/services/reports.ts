import { Masker } from '@internal/backend-helpers';
import {
  Outcome,
  PolicyResult,
  ReportApi,
  RESULT_VALUES,
  SEVERITIES,
  Severity,
} from '@internal/plugin-kyverno-common';
import { z } from 'zod';

/**
 * The report kinds of both APIs Kyverno writes: wgpolicyk8s.io (Kyverno up
 * to 1.14, and later by default) and openreports.io (Kyverno 1.15+ with
 * `--openreports.enabled`). Same shape, except that openreports calls the
 * message `description`.
 */
export const REPORT_KINDS: Record<
  ReportApi,
  {
    group: string;
    version: string;
    namespaced: string;
    cluster: string;
    kinds: [string, string];
  }
> = {
  'wgpolicyk8s.io/v1alpha2': {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    namespaced: 'policyreports',
    cluster: 'clusterpolicyreports',
    kinds: ['PolicyReport', 'ClusterPolicyReport'],
  },
  'openreports.io/v1alpha1': {
    group: 'openreports.io',
    version: 'v1alpha1',
    namespaced: 'reports',
    cluster: 'clusterreports',
    kinds: ['Report', 'ClusterReport'],
  },
};

const objectRef = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
});

const timestamp = z
  .union([
    z.object({
      seconds: z.union([z.number(), z.string()]),
      nanos: z.number().optional(),
    }),
    z.string(),
  ])
  .optional();

const resultSchema = z.object({
  policy: z.string().min(1).max(253),
  rule: z.string().max(253).optional(),
  result: z.enum(RESULT_VALUES),
  severity: z
    .string()
    .transform(s => s.toLowerCase())
    .pipe(z.enum(SEVERITIES))
    .optional()
    .catch(undefined),
  category: z.string().optional(),
  message: z.string().optional(),
  description: z.string().optional(),
  scored: z.boolean().optional(),
  source: z.string().optional(),
  timestamp,
  properties: z.record(z.string(), z.unknown()).optional(),
  resources: z.array(objectRef).optional(),
});

const reportSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.object({
    name: z.string().min(1),
    namespace: z.string().optional(),
  }),
  scope: objectRef.optional(),
  results: z.array(z.unknown()).optional(),
});

function isoOf(t: z.infer<typeof timestamp>): string | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'string') {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  const seconds = Number(t.seconds);
  if (!Number.isFinite(seconds)) return undefined;
  return new Date(
    seconds * 1000 + Math.floor((t.nanos ?? 0) / 1e6),
  ).toISOString();
}

/**
 * The PolicyException behind a `skip`, if one caused it. Kyverno records it
 * in the result's properties and message; either is enough.
 */
export function exceptionOf(
  message: string | undefined,
  properties: Record<string, string>,
): string | undefined {
  for (const key of ['exceptions', 'exception', 'policyExceptions']) {
    const value = properties[key]?.trim();
    if (value) return value;
  }
  const m =
    message &&
    /polic(?:y|ies) exceptions?:?\s+([^\s,;]+(?:\s*,\s*[^\s,;]+)*)/i.exec(
      message,
    );
  return m ? m[1].replace(/\s+/g, '') : undefined;
}

function stringProperties(raw: Record<string, unknown> | undefined) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

/** What the portal shows for a result. */
function outcomeOf(
  result: PolicyResult['result'],
  exception?: string,
): Outcome {
  if (result === 'skip' && exception) return 'excepted';
  return result;
}

export type ParsedReport = {
  results: PolicyResult[];
  /** Results of this report that were skipped as malformed, with why. */
  warnings: string[];
};

/**
 * One report object of either API, normalised to PolicyResult. A report
 * that is not a report throws (the caller names and skips it); a result that
 * is malformed is skipped with a warning and the others are kept.
 */
/** Masks report messages and properties (the same rules as dead letters'). */
const REPORT_MASKER = new Masker();

export function parseReport(
  cluster: string,
  api: ReportApi,
  raw: unknown,
): ParsedReport {
  const parsed = reportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue.path.join('.') || 'report'}: ${issue.message}`);
  }
  const report = parsed.data;
  const where = report.metadata.namespace
    ? `${report.metadata.namespace}/${report.metadata.name}`
    : report.metadata.name;
  const reportId = `${api}/${report.kind}/${where}`;
  const warnings: string[] = [];
  const results: PolicyResult[] = [];
  (report.results ?? []).forEach((rawResult, index) => {
    const r = resultSchema.safeParse(rawResult);
    if (!r.success) {
      const issue = r.error.issues[0];
      warnings.push(
        `${
          report.kind
        } ${where} on cluster '${cluster}': result ${index} skipped (${issue.path.join(
          '.',
        )}: ${issue.message})`,
      );
      return;
    }
    const res = r.data;
    const subject = report.scope ?? res.resources?.[0];
    if (!subject) {
      warnings.push(
        `${report.kind} ${where} on cluster '${cluster}': result ${index} names no resource, skipped`,
      );
      return;
    }
    const rawProperties = stringProperties(res.properties);
    const rawMessage = res.message ?? res.description;
    // The exception's name is read before masking; what is kept and shown
    // is masked: a message can quote a resource's field values (an env
    // var with a card number, a token), and evidence files leave the portal.
    const exception =
      res.result === 'skip'
        ? exceptionOf(rawMessage, rawProperties)
        : undefined;
    const message = rawMessage && REPORT_MASKER.maskText(rawMessage);
    const properties = REPORT_MASKER.maskValue(rawProperties);
    results.push({
      cluster,
      report: reportId,
      reportApi: api,
      policy: res.policy,
      rule: res.rule ?? '',
      result: res.result,
      outcome: outcomeOf(res.result, exception),
      exception,
      severity: res.severity as Severity | undefined,
      category: res.category,
      message,
      resource: {
        apiVersion: subject.apiVersion ?? '',
        kind: subject.kind,
        namespace: subject.namespace ?? report.metadata.namespace,
        name: subject.name,
        uid: subject.uid,
      },
      timestamp: isoOf(res.timestamp),
      source: res.source,
      scored: res.scored,
      properties,
    });
  });
  return { results, warnings };
}
