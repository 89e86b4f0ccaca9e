import { ServiceFacts } from '../services/facts';

/** Facts of a service that passes every check (gold). */
export function goldFacts(): ServiceFacts {
  return {
    owner: {
      ref: 'group:default/product-team',
      exists: true,
      rotation: 'group:default/on-call',
      onCallPeople: 5,
    },
    techdocs: {
      ok: true,
      annotated: true,
      site: 'built',
      builtAt: '2026-12-01T10:00:00.000Z',
    },
    apis: { provided: ['api:default/ledger-api'], withoutDefinition: [] },
    slos: {
      ok: true,
      availability: ['requests-availability'],
      latency: ['requests-latency'],
      exhausted: [],
      unmeasured: [],
      problems: [],
    },
    runbooks: {
      ok: true,
      alerts: ['LedgerHighErrorRate', 'SloErrorBudgetBurn'],
      uncovered: [],
      stale: [],
    },
    kyverno: {
      ok: true,
      snapshot: true,
      results: 12,
      criticalOrHigh: 0,
      policies: [],
    },
    dataOwnership: { findings: [] },
    deadLetters: { ok: true, declared: true, critical: 0 },
    goldenPath: { ok: true, version: '1.2.0', current: '1.2.0', behind: 0 },
  };
}

/** Gold facts with some parts replaced. */
export function factsWith(change: Partial<ServiceFacts>): ServiceFacts {
  return { ...goldFacts(), ...change };
}
