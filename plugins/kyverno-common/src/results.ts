/** What a policy-report result says of a resource (both report APIs). */
export const RESULT_VALUES = ['pass', 'fail', 'warn', 'error', 'skip'] as const;
export type ResultValue = (typeof RESULT_VALUES)[number];

/**
 * What the portal shows: `skip` caused by a PolicyException is `excepted`,
 * so a reviewer tells it from a rule that does not apply.
 */
export const OUTCOMES = [
  'fail',
  'error',
  'warn',
  'excepted',
  'skip',
  'pass',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const SEVERITIES = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The two report API groups Kyverno writes, whichever a cluster serves. */
export const REPORT_APIS = [
  'wgpolicyk8s.io/v1alpha2',
  'openreports.io/v1alpha1',
] as const;
export type ReportApi = (typeof REPORT_APIS)[number];

export type ResourceRef = {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
};

/** One result of one report, every field kept. */
export type PolicyResult = {
  cluster: string;
  /** `<api>/<Kind>/<namespace>/<name>` of the report object. */
  report: string;
  reportApi: ReportApi;
  policy: string;
  rule: string;
  result: ResultValue;
  outcome: Outcome;
  /** The PolicyException behind an `excepted` outcome (`namespace/name`). */
  exception?: string;
  severity?: Severity;
  category?: string;
  message?: string;
  /** The resource the result is about (the report's scope or its first resource). */
  resource: ResourceRef;
  /** When Kyverno evaluated it (ISO 8601). */
  timestamp?: string;
  source?: string;
  scored?: boolean;
  properties: Record<string, string>;
};

/** Stable identity of a finding across snapshots: same policy, rule, resource. */
export function findingKey(
  r: Pick<PolicyResult, 'cluster' | 'policy' | 'rule' | 'resource'>,
): string {
  const res = r.resource;
  return [
    r.cluster,
    r.policy,
    r.rule,
    res.apiVersion,
    res.kind,
    res.namespace ?? '',
    res.name,
  ].join('|');
}
