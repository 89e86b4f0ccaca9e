import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { PrometheusHttpClient } from '@internal/prometheus-client';
import { FactCollector } from './FactCollector';
import { PluginSources, SourceError } from './PluginSources';

const group = (
  name: string,
  annotations: Record<string, string> = {},
  members: string[] = [],
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'team', children: [], members },
});

const ledger: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'svc-ledger',
    namespace: 'default',
    annotations: {
      'backstage.io/techdocs-ref': 'dir:.',
      'local-plus.io/dead-letters': 'dramatiq:ledger.',
    },
  },
  spec: {
    type: 'service',
    owner: 'group:default/product-team',
    system: 'payments',
  },
  relations: [
    { type: 'ownedBy', targetRef: 'group:default/product-team' },
    { type: 'providesApi', targetRef: 'api:default/ledger-api' },
    { type: 'providesApi', targetRef: 'api:default/ledger-events' },
  ],
};
const orphan: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'svc-orphan', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/ghost-team' },
};
const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'portal', namespace: 'default' },
  spec: { type: 'website', owner: 'group:default/product-team' },
};

const entities: Entity[] = [
  ledger,
  orphan,
  website,
  group('product-team', {
    'local-plus.io/oncall-rotation': 'group:default/on-call',
  }),
  group(
    'on-call',
    { 'local-plus.io/oncall-primary': 'user:default/julien.lefevre' },
    ['user:default/julien.lefevre', 'user:default/sofia.marchetti'],
  ),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { owner: 'group:default/product-team', domain: 'giftcards' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'ledger-api', namespace: 'default' },
    spec: { type: 'openapi', definition: 'openapi: 3.0.0' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: { name: 'ledger-events', namespace: 'default' },
    spec: { type: 'asyncapi', definition: '' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'ledger-entries',
      namespace: 'default',
      annotations: {
        'local-plus.io/owning-service':
          'component:default/svc-ledger,component:default/svc-wallet',
        'local-plus.io/data-findings': JSON.stringify([
          {
            rule: 'conflicting-owners',
            level: 'error',
            message: 'Claimed by svc-ledger and svc-wallet',
          },
        ]),
      },
    },
    spec: { type: 'database-table', owner: 'group:default/product-team' },
  },
];

function sourcesWith(
  overrides: Partial<Record<keyof PluginSources, unknown>> = {},
) {
  const sources = {
    slos: async () => ({
      slos: [
        { slo: 'requests-availability', errorBudget: { remainingRatio: 0.4 } },
        { slo: 'requests-latency', errorBudget: { remainingRatio: -0.2 } },
      ],
      errors: [],
      specProblems: [],
    }),
    runbooks: async () => ({
      runbooks: [
        {
          id: 'slo-burn',
          alerts: ['SloErrorBudgetBurn'],
          stale: true,
          lastReviewed: '2026-01-02',
        },
      ],
      problems: [],
    }),
    policyResults: async () => ({
      snapshot: { takenAt: '2026-12-06T10:00:00Z' },
      counts: { pass: 10, fail: 2 },
      severities: { critical: 0, high: 1, medium: 1 },
      failing: [
        { policy: 'require-non-root', severity: 'high' },
        { policy: 'require-probes', severity: 'medium' },
      ],
    }),
    deadLetters: async () => ({
      source: 'dramatiq:ledger.',
      queues: [
        { queue: 'critical', depth: 2 },
        { queue: 'default', depth: 7 },
      ],
    }),
    goldenPathDrift: async () => ({
      services: [
        {
          entityRef: 'component:default/svc-ledger',
          version: '1.1.0',
          current: '1.2.0',
          behind: 1,
        },
      ],
    }),
    techdocsSite: async () => ({ builtAt: '2026-12-06T09:00:00.000Z' }),
    buildTechdocs: async () => undefined,
    ...overrides,
  };
  return sources as unknown as PluginSources;
}

const prometheus = {
  alertingRules: async () => [
    {
      group: 'g',
      name: 'SloErrorBudgetBurn',
      labels: { sloth_service: 'svc-ledger' },
      annotations: {},
    },
    {
      group: 'g',
      name: 'LedgerQueueBacklog',
      labels: { service: 'svc-ledger' },
      annotations: {},
    },
    {
      group: 'g',
      name: 'WalletDown',
      labels: { service: 'svc-wallet' },
      annotations: {},
    },
    // Platform-wide, with a runbook per service: every service answers it.
    {
      group: 'platform',
      name: 'SLOErrorBudgetBurnPage',
      labels: { severity: 'page' },
      annotations: {
        runbook_url:
          'https://portal/docs/default/component/{{ $labels.service }}/runbooks/slo-burn/',
      },
    },
    // Platform-wide, answered by the platform's own runbook: not a service's.
    {
      group: 'platform',
      name: 'KafkaBrokerDown',
      labels: { severity: 'page' },
      annotations: {
        runbook_url:
          'https://portal/docs/default/component/docs/runbooks/kafka-recovery/',
      },
    },
  ],
} as unknown as PrometheusHttpClient;

/** null: no Prometheus configured. */
function collector(
  sources = sourcesWith(),
  prom: PrometheusHttpClient | null = prometheus,
) {
  return new FactCollector({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    sources,
    prometheus: prom ?? undefined,
    logger: mockServices.logger.mock(),
    concurrency: 2,
  });
}

describe('FactCollector', () => {
  it('reads every service (components of type service) with its rollup refs', async () => {
    const all = await collector().collect();
    expect(
      all.map(c => [
        c.service.entityRef,
        c.service.owner,
        c.service.system,
        c.service.domain,
      ]),
    ).toEqual([
      [
        'component:default/svc-ledger',
        'group:default/product-team',
        'system:default/payments',
        'domain:default/giftcards',
      ],
      [
        'component:default/svc-orphan',
        'group:default/ghost-team',
        undefined,
        undefined,
      ],
    ]);
  });

  it('gathers the facts each check reads, from the catalog and each plugin', async () => {
    const [{ facts }, { facts: orphanFacts }] = await collector().collect();
    expect(facts.owner).toEqual({
      ref: 'group:default/product-team',
      exists: true,
      rotation: 'group:default/on-call',
      onCallPeople: 2,
    });
    expect(orphanFacts.owner).toEqual({
      ref: 'group:default/ghost-team',
      exists: false,
      onCallPeople: 0,
    });
    expect(facts.apis).toEqual({
      provided: ['api:default/ledger-api', 'api:default/ledger-events'],
      withoutDefinition: ['api:default/ledger-events'],
    });
    expect(facts.slos).toMatchObject({
      ok: true,
      availability: ['requests-availability'],
      latency: ['requests-latency'],
      exhausted: ['requests-latency'],
    });
    // Its own alerts only (service or sloth_service label); the runbook
    // answering one is stale, the other alert has none.
    expect(facts.runbooks).toEqual({
      ok: true,
      alerts: [
        'LedgerQueueBacklog',
        'SLOErrorBudgetBurnPage',
        'SloErrorBudgetBurn',
      ],
      uncovered: ['LedgerQueueBacklog', 'SLOErrorBudgetBurnPage'],
      stale: ['slo-burn (reviewed 2026-01-02)'],
    });
    expect(facts.kyverno).toEqual({
      ok: true,
      snapshot: true,
      results: 12,
      criticalOrHigh: 1,
      policies: ['require-non-root'],
    });
    // Its release, from the template-upgrades plugin; the orphan was not
    // generated from the golden path.
    expect(facts.goldenPath).toEqual({
      ok: true,
      version: '1.1.0',
      current: '1.2.0',
      behind: 1,
    });
    expect(orphanFacts.goldenPath).toEqual({ ok: true, behind: 0 });
    expect(facts.deadLetters).toEqual({
      ok: true,
      declared: true,
      critical: 2,
    });
    expect(orphanFacts.deadLetters).toEqual({
      ok: true,
      declared: false,
      critical: 0,
    });
    // A shared table's finding belongs to both services claiming it.
    expect(facts.dataOwnership.findings).toEqual([
      {
        entityRef: 'resource:default/ledger-entries',
        rule: 'conflicting-owners',
        message: 'Claimed by svc-ledger and svc-wallet',
      },
    ]);
    expect(facts.techdocs).toEqual({
      ok: true,
      annotated: true,
      site: 'built',
      builtAt: '2026-12-06T09:00:00.000Z',
    });
  });

  it('builds TechDocs once when no site is published, and reports a failing build', async () => {
    let built = false;
    const fine = await collector(
      sourcesWith({
        techdocsSite: async () => (built ? { builtAt: undefined } : undefined),
        buildTechdocs: async () => {
          built = true;
        },
      }),
    ).collect();
    expect(fine[0].facts.techdocs).toMatchObject({ site: 'built' });

    const broken = await collector(
      sourcesWith({
        techdocsSite: async () => undefined,
        buildTechdocs: async () => {
          throw new SourceError(
            'techdocs',
            'the techdocs plugin answered: Failed to generate docs',
          );
        },
      }),
    ).collect();
    expect(broken[0].facts.techdocs).toEqual({
      ok: true,
      annotated: true,
      site: 'failed',
      error: 'the techdocs plugin answered: Failed to generate docs',
    });
  });

  it('marks a fact unavailable, with why, when its source is down; the others are still read', async () => {
    const [{ facts }] = await collector(
      sourcesWith({
        slos: async () => {
          throw new SourceError(
            'slo',
            'the slo plugin did not answer within 10 s',
          );
        },
      }),
      {
        alertingRules: async () => {
          throw new Error("Prometheus 'local' did not answer within 5 s");
        },
      } as unknown as PrometheusHttpClient,
    ).collect();
    expect(facts.slos).toEqual({
      ok: false,
      error: 'the slo plugin did not answer within 10 s',
    });
    expect(facts.runbooks).toEqual({
      ok: false,
      error: "Prometheus 'local' did not answer within 5 s",
    });
    expect(facts.kyverno).toMatchObject({ ok: true });
  });

  it('says which config key is missing when no Prometheus is configured', async () => {
    const [{ facts }] = await collector(sourcesWith(), null).collect();
    expect(facts.runbooks).toEqual({
      ok: false,
      error: expect.stringContaining('set scorecards.prometheus'),
    });
  });
});
