import { CheckId, CHECKS } from '@internal/plugin-scorecards-common';
import { factsWith, goldFacts } from '../__testUtils__/facts';
import { ServiceFacts } from './facts';
import { CheckEvaluator } from './rules';

const evaluator = new CheckEvaluator();

async function outcomeOf(id: CheckId, facts: ServiceFacts) {
  const { checks } = await evaluator.evaluate(facts);
  return checks.find(c => c.id === id)!;
}

describe('the checks', () => {
  it('passes every check, and reaches gold, on facts built to pass', async () => {
    const result = await evaluator.evaluate(goldFacts());
    expect(result.checks.map(c => [c.id, c.outcome])).toEqual(
      CHECKS.map(c => [c.id, 'pass']),
    );
    expect(result.level).toBe('gold');
    expect(result.next).toBeUndefined();
  });

  // Each check against facts built to fail it, and what the team is told.
  const failing: [CheckId, Partial<ServiceFacts>, RegExp][] = [
    [
      'owner-on-call',
      {
        owner: {
          ref: 'group:default/ghost-team',
          exists: false,
          onCallPeople: 0,
        },
      },
      /group:default\/ghost-team is not a group in the catalog/,
    ],
    [
      'owner-on-call',
      {
        owner: {
          ref: 'group:default/product-team',
          exists: true,
          onCallPeople: 0,
        },
      },
      /names no on-call rotation/,
    ],
    [
      'techdocs',
      { techdocs: { ok: true, annotated: false, site: 'not-checked' } },
      /add backstage.io\/techdocs-ref/,
    ],
    [
      'techdocs',
      {
        techdocs: {
          ok: true,
          annotated: true,
          site: 'failed',
          error: 'mkdocs: Config value "nav" is invalid',
        },
      },
      /build fails: mkdocs: Config value "nav" is invalid/,
    ],
    [
      'api-definitions',
      { apis: { provided: [], withoutDefinition: [] } },
      /provides no API/,
    ],
    [
      'api-definitions',
      {
        apis: {
          provided: ['api:default/a', 'api:default/b'],
          withoutDefinition: ['api:default/b'],
        },
      },
      /No definition for api:default\/b/,
    ],
    [
      'slos-defined',
      {
        slos: {
          ok: true,
          availability: ['requests-availability'],
          latency: [],
          exhausted: [],
          unmeasured: [],
          problems: [],
        },
      },
      /Missing a latency SLO/,
    ],
    [
      'runbooks',
      {
        runbooks: {
          ok: true,
          alerts: ['A', 'B'],
          uncovered: ['B'],
          stale: [],
        },
      },
      /No runbook for B/,
    ],
    [
      'runbooks',
      {
        runbooks: {
          ok: true,
          alerts: ['A'],
          uncovered: [],
          stale: ['slo-burn (reviewed 2026-01-02)'],
        },
      },
      /Not reviewed within 90 days: slo-burn \(reviewed 2026-01-02\)/,
    ],
    [
      'runbooks',
      { runbooks: { ok: true, alerts: [], uncovered: [], stale: [] } },
      /no alerting rule for this service/,
    ],
    [
      'kyverno',
      {
        kyverno: {
          ok: true,
          snapshot: true,
          results: 9,
          criticalOrHigh: 2,
          policies: ['require-non-root'],
        },
      },
      /2 critical or high results fail: require-non-root/,
    ],
    [
      'kyverno',
      {
        kyverno: {
          ok: true,
          snapshot: true,
          results: 0,
          criticalOrHigh: 0,
          policies: [],
        },
      },
      /No Kyverno result/,
    ],
    [
      'data-ownership',
      {
        dataOwnership: {
          findings: [
            {
              entityRef: 'resource:default/ledger-entries',
              rule: 'conflicting-owners',
              message: 'claimed by two services',
            },
          ],
        },
      },
      /1 findings: resource:default\/ledger-entries \(conflicting-owners\)/,
    ],
    [
      'error-budget',
      {
        slos: {
          ok: true,
          availability: ['requests-availability'],
          latency: ['requests-latency'],
          exhausted: ['requests-latency'],
          unmeasured: [],
          problems: [],
        },
      },
      /Budget exhausted: requests-latency/,
    ],
    [
      'dead-letters',
      { deadLetters: { ok: true, declared: true, critical: 3 } },
      /3 dead letters on critical/,
    ],
    [
      'dead-letters',
      { deadLetters: { ok: true, declared: false, critical: 0 } },
      /declares no dead-letter source/,
    ],
    [
      'golden-path-release',
      {
        goldenPath: { ok: true, version: '1.1.0', current: '1.2.0', behind: 1 },
      },
      /At 1\.1\.0, 1 release behind 1\.2\.0: see the Upgrade tab/,
    ],
    [
      'golden-path-release',
      { goldenPath: { ok: true, behind: 0 } },
      /Not generated from the golden path/,
    ],
  ];

  it.each(failing)('fails %s (case %#)', async (id, change, detail) => {
    const result = await outcomeOf(id, factsWith(change));
    expect(result.outcome).toBe('fail');
    expect(result.detail).toMatch(detail);
    // Only that check moved.
    const { checks } = await evaluator.evaluate(factsWith(change));
    const others = checks.filter(c => c.id !== id && c.outcome !== 'pass');
    const sameSource = (c: { id: CheckId }) =>
      (id === 'slos-defined' || id === 'error-budget') &&
      (c.id === 'slos-defined' || c.id === 'error-budget');
    expect(others.filter(c => !sameSource(c))).toEqual([]);
  });

  it('is unknown, never pass or fail, when its source could not be read', async () => {
    const facts = factsWith({
      slos: {
        ok: false,
        error: "Prometheus 'local' did not answer within 5 s",
      },
    });
    const result = await evaluator.evaluate(facts);
    for (const id of ['slos-defined', 'error-budget'] as CheckId[]) {
      expect(result.checks.find(c => c.id === id)).toEqual({
        id,
        outcome: 'unknown',
        detail: "Prometheus 'local' did not answer within 5 s",
      });
    }
    // An unknown silver check holds the service at bronze.
    expect(result.level).toBe('bronze');
    expect(result.next).toEqual({
      level: 'silver',
      blocking: ['slos-defined'],
    });
  });
});

describe('the levels', () => {
  it('has no level while a bronze check fails, and says what blocks bronze', async () => {
    const result = await evaluator.evaluate(
      factsWith({ apis: { provided: [], withoutDefinition: [] } }),
    );
    expect(result.level).toBe('none');
    expect(result.next).toEqual({
      level: 'bronze',
      blocking: ['api-definitions'],
    });
  });

  it('stops at silver when only a gold check fails', async () => {
    const result = await evaluator.evaluate(
      factsWith({ deadLetters: { ok: true, declared: true, critical: 1 } }),
    );
    expect(result.level).toBe('silver');
    expect(result.next).toEqual({ level: 'gold', blocking: ['dead-letters'] });
  });

  it('does not skip a level: gold checks passing do not lift a service without silver', async () => {
    const result = await evaluator.evaluate(
      factsWith({
        kyverno: {
          ok: true,
          snapshot: true,
          results: 3,
          criticalOrHigh: 1,
          policies: ['disallow-privileged'],
        },
      }),
    );
    expect(result.level).toBe('bronze');
    expect(result.next?.blocking).toEqual(['kyverno']);
  });
});
