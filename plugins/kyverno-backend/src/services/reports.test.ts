import { exceptionOf, parseReport } from './reports';

const wgReport = {
  apiVersion: 'wgpolicyk8s.io/v1alpha2',
  kind: 'PolicyReport',
  metadata: { name: '6f1c', namespace: 'svc-ledger' },
  scope: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    name: 'svc-ledger',
    namespace: 'svc-ledger',
    uid: '6f1c',
  },
  results: [
    {
      policy: 'require-image-signature',
      rule: 'verify-cosign',
      result: 'fail',
      severity: 'critical',
      category: 'Supply chain',
      message: 'image is not signed',
      scored: true,
      source: 'kyverno',
      timestamp: { seconds: 1764979200, nanos: 0 },
      properties: { process: 'background scan' },
    },
    { policy: 'require-probes', rule: 'liveness', result: 'maybe' },
  ],
};

describe('parseReport', () => {
  it('keeps every field of a wgpolicyk8s.io result, and skips a malformed one with a warning', () => {
    const { results, warnings } = parseReport(
      'eks-prod',
      'wgpolicyk8s.io/v1alpha2',
      wgReport,
    );
    expect(results).toEqual([
      {
        cluster: 'eks-prod',
        report: 'wgpolicyk8s.io/v1alpha2/PolicyReport/svc-ledger/6f1c',
        reportApi: 'wgpolicyk8s.io/v1alpha2',
        policy: 'require-image-signature',
        rule: 'verify-cosign',
        result: 'fail',
        outcome: 'fail',
        exception: undefined,
        severity: 'critical',
        category: 'Supply chain',
        message: 'image is not signed',
        resource: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'svc-ledger',
          name: 'svc-ledger',
          uid: '6f1c',
        },
        timestamp: '2025-12-06T00:00:00.000Z',
        source: 'kyverno',
        scored: true,
        properties: { process: 'background scan' },
      },
    ]);
    expect(warnings).toEqual([
      expect.stringMatching(
        /PolicyReport svc-ledger\/6f1c on cluster 'eks-prod': result 1 skipped \(result:/,
      ),
    ]);
  });

  it("reads openreports.io's description as the message, and a skip by a PolicyException as excepted", () => {
    const { results } = parseReport('eks-prod', 'openreports.io/v1alpha1', {
      apiVersion: 'openreports.io/v1alpha1',
      kind: 'Report',
      metadata: { name: 'a1', namespace: 'svc-analytics' },
      scope: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'svc-analytics',
        namespace: 'svc-analytics',
      },
      results: [
        {
          policy: 'require-probes',
          rule: 'liveness',
          result: 'pass',
          description: 'validation rule passed',
          source: 'kyverno',
        },
        {
          policy: 'require-run-as-non-root',
          rule: 'check',
          result: 'skip',
          description:
            'rule skipped due to policy exceptions: platform/analytics-legacy-root',
          source: 'kyverno',
        },
        {
          policy: 'disallow-latest-tag',
          rule: 'tag',
          result: 'skip',
          description: 'preconditions not met',
          source: 'kyverno',
        },
      ],
    });
    expect(
      results.map(r => [r.outcome, r.exception ?? null, r.message]),
    ).toEqual([
      ['pass', null, 'validation rule passed'],
      [
        'excepted',
        'platform/analytics-legacy-root',
        'rule skipped due to policy exceptions: platform/analytics-legacy-root',
      ],
      ['skip', null, 'preconditions not met'],
    ]);
  });

  it('masks what a message or a property quotes: card numbers, e-mail addresses, secrets', () => {
    const { results } = parseReport('eks-prod', 'wgpolicyk8s.io/v1alpha2', {
      ...wgReport,
      results: [
        {
          policy: 'disallow-secrets-in-env',
          rule: 'env',
          result: 'fail',
          message:
            'env PAYOUT_CARD=4111111111111111 and OPS_EMAIL=claire.martin@example.fr are set in clear',
          properties: { api_key: 'sk_live_abc', container: 'ledger' },
        },
      ],
    });
    expect(results[0].message).toBe(
      'env PAYOUT_CARD=411111******1111 and OPS_EMAIL=c***@example.fr are set in clear',
    );
    expect(results[0].properties).toEqual({
      api_key: '[redacted]',
      container: 'ledger',
    });
  });

  it('an object that is not a report throws, for the caller to name and skip', () => {
    expect(() =>
      parseReport('eks-prod', 'wgpolicyk8s.io/v1alpha2', {
        kind: 'PolicyReport',
      }),
    ).toThrow(/apiVersion/);
  });

  it('finds the exception in the properties too', () => {
    expect(exceptionOf(undefined, { exceptions: 'platform/legacy' })).toBe(
      'platform/legacy',
    );
    expect(exceptionOf('no match', {})).toBeUndefined();
  });
});
