import {
  ComplianceFilter,
  Outcome,
  OUTCOMES,
  Severity,
  SEVERITIES,
} from '@internal/plugin-kyverno-common';

/** The trend's ranges, in days; 30 unless the address says otherwise. */
export const RANGES = [7, 30, 90, 365] as const;
export const DEFAULT_RANGE = 30;

const SINGLE = [
  'standard',
  'control',
  'system',
  'owner',
  'namespace',
  'cluster',
] as const;

const list = (value: string | null) =>
  (value ?? '')
    .split(',')
    .map(v => v.trim())
    .filter(Boolean);

const only = <T extends string>(values: string[], allowed: readonly T[]) =>
  values.filter((v): v is T => (allowed as readonly string[]).includes(v));

/** The page's filter, from its address (`?severity=critical,high&...`). */
export function filterFromParams(params: URLSearchParams): ComplianceFilter {
  const filter: ComplianceFilter = {};
  for (const key of SINGLE) {
    const v = params.get(key)?.trim();
    if (v) filter[key] = v;
  }
  const severity = only<Severity>(list(params.get('severity')), SEVERITIES);
  const outcome = only<Outcome>(list(params.get('outcome')), OUTCOMES);
  const policy = list(params.get('policy'));
  if (severity.length) filter.severity = severity;
  if (outcome.length) filter.outcome = outcome;
  if (policy.length) filter.policy = policy;
  return filter;
}

/** The trend's range in days, from the address. */
export function rangeFromParams(params: URLSearchParams): number {
  const days = Number(params.get('days'));
  return (RANGES as readonly number[]).includes(days) ? days : DEFAULT_RANGE;
}

/** The address's query for a filter and a range: only what is set. */
export function toParams(
  filter: ComplianceFilter,
  days: number,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of SINGLE) {
    const v = filter[key];
    if (v) out[key] = v;
  }
  if (filter.severity?.length) out.severity = filter.severity.join(',');
  if (filter.policy?.length) out.policy = filter.policy.join(',');
  if (filter.outcome?.length) out.outcome = filter.outcome.join(',');
  if (days !== DEFAULT_RANGE) out.days = String(days);
  return out;
}

const NAMES: Record<keyof ComplianceFilter, string> = {
  standard: 'standard',
  control: 'control',
  severity: 'severity',
  policy: 'policy',
  outcome: 'outcome',
  system: 'system',
  owner: 'team',
  namespace: 'namespace',
  cluster: 'cluster',
};

/** "severity critical or high, cluster prod-eu", or undefined when unset. */
export function describeFilter(filter: ComplianceFilter): string | undefined {
  const parts = (Object.keys(NAMES) as (keyof ComplianceFilter)[]).flatMap(
    key => {
      const v = filter[key];
      if (!v || (Array.isArray(v) && v.length === 0)) return [];
      return [`${NAMES[key]} ${Array.isArray(v) ? v.join(' or ') : v}`];
    },
  );
  return parts.length ? parts.join(', ') : undefined;
}
