import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { EntityScorecard } from '@internal/plugin-scorecards-common';
import { factsWith, goldFacts } from '../__testUtils__/facts';
import { ServiceFacts } from './facts';
import { FactCollector, ScoredService } from './FactCollector';
import { ScorecardService } from './ScorecardService';
import { ScoreStore } from './ScoreStore';

// SQLite (development) and, when the test services run, their PostgreSQL
// (production): TestDatabases creates and drops a database per test.
const pg = process.env.LOCALPLUS_PG_HOST;
if (pg) {
  const user = process.env.LOCALPLUS_PG_USER ?? 'postgres';
  const password = process.env.LOCALPLUS_PG_PASSWORD ?? '';
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES16_CONNECTION_STRING = `postgresql://${user}:${encodeURIComponent(
    password,
  )}@${pg}:${process.env.LOCALPLUS_PG_PORT ?? 5432}`;
} else if (process.env.LOCALPLUS_REQUIRE_SERVICES) {
  throw new Error(
    'LOCALPLUS_PG_HOST is not set: run scripts/services.sh start',
  );
}
const databases = TestDatabases.create({
  ids: pg ? ['SQLITE_3', 'POSTGRES_16'] : ['SQLITE_3'],
});

const service = (
  name: string,
  owner: string,
  system?: string,
): ScoredService => ({
  entity: {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', owner },
  },
  entityRef: `component:default/${name}`,
  owner,
  system,
  domain: system ? 'domain:default/giftcards' : undefined,
});

/** A collector that returns what the test gives it, as the real one would. */
function collectorOf(
  current: () => { service: ScoredService; facts: ServiceFacts }[],
) {
  return { collect: async () => current() } as unknown as FactCollector;
}

const day = 24 * 3600 * 1000;

describe.each(databases.eachSupportedId())('ScorecardService on %s', id => {
  let clock: Date;
  let collected: { service: ScoredService; facts: ServiceFacts }[];
  let scorecards: ScorecardService;
  let store: ScoreStore;

  beforeEach(async () => {
    const knex = await databases.init(id);
    store = await ScoreStore.create(mockServices.database({ knex }));
    clock = new Date('2026-12-01T08:00:00Z');
    collected = [
      {
        service: service(
          'svc-ledger',
          'group:default/product-team',
          'system:default/payments',
        ),
        facts: goldFacts(),
      },
      {
        service: service(
          'svc-wallet',
          'group:default/product-team',
          'system:default/payments',
        ),
        facts: factsWith({
          deadLetters: { ok: true, declared: true, critical: 4 },
        }),
      },
      {
        service: service('svc-reports', 'group:default/platform-team'),
        facts: factsWith({
          apis: { provided: [], withoutDefinition: [] },
          runbooks: { ok: true, alerts: ['A'], uncovered: ['A'], stale: [] },
          slos: { ok: false, error: "Prometheus 'local' did not answer" },
        }),
      },
    ];
    scorecards = new ScorecardService({
      collector: collectorOf(() => collected),
      store,
      logger: mockServices.logger.mock(),
      retentionDays: 30,
      detailDays: 2,
      now: () => clock,
    });
  });

  it('scores every service and serves its card with the level and what blocks the next one', async () => {
    const info = await scorecards.collect();
    expect(info).toMatchObject({ services: 3, at: '2026-12-01T08:00:00.000Z' });
    expect(info.sourceProblems).toEqual([
      {
        source: 'slo',
        services: 1,
        example: "Prometheus 'local' did not answer",
      },
    ]);

    const wallet = await scorecards.forEntity('component:default/svc-wallet');
    expect(wallet).toMatchObject<Partial<EntityScorecard>>({
      level: 'silver',
      next: { level: 'gold', blocking: ['dead-letters'] },
      owner: 'group:default/product-team',
      collectedAt: '2026-12-01T08:00:00.000Z',
    });
    expect(wallet!.checks.find(c => c.id === 'dead-letters')).toMatchObject({
      outcome: 'fail',
      detail: expect.stringMatching(/^4 dead letters on critical/),
    });
    expect(
      await scorecards.forEntity('component:default/svc-none'),
    ).toBeUndefined();
  });

  it('rolls levels and checks up per team, system and domain', async () => {
    await scorecards.collect();
    const byOwner = await scorecards.rollup('owner');
    expect(byOwner.rows.map(r => [r.key, r.services, r.levels])).toEqual([
      [
        'group:default/product-team',
        2,
        { none: 0, bronze: 0, silver: 1, gold: 1 },
      ],
      [
        'group:default/platform-team',
        1,
        { none: 1, bronze: 0, silver: 0, gold: 0 },
      ],
    ]);
    const product = byOwner.rows[0];
    expect(product.passed['dead-letters']).toBe(1);
    expect(product.passed.runbooks).toBe(2);

    const bySystem = await scorecards.rollup('system');
    expect(bySystem.rows.map(r => [r.key, r.services])).toEqual([
      ['system:default/payments', 2],
      ['none', 1],
    ]);
    const platform = await scorecards.list({
      owner: 'group:default/platform-team',
    });
    expect(platform.services.map(s => s.entityRef)).toEqual([
      'component:default/svc-reports',
    ]);
  });

  it('ranks the checks by how many services fail them, unknowns apart', async () => {
    await scorecards.collect();
    const ranking = await scorecards.ranking();
    expect(ranking.services).toBe(3);
    expect(
      ranking.checks.slice(0, 3).map(c => [c.id, c.failing, c.unknown]),
    ).toEqual([
      ['api-definitions', 1, 0],
      ['runbooks', 1, 0],
      ['dead-letters', 1, 0],
    ]);
    expect(ranking.checks.find(c => c.id === 'slos-defined')).toMatchObject({
      failing: 0,
      unknown: 1,
    });
    expect(ranking.checks[0].failingServices).toEqual([
      'component:default/svc-reports',
    ]);
  });

  it('keeps a trend point per collection, so a campaign shows moving', async () => {
    await scorecards.collect();
    // The wallet team drains its dead letters.
    collected[1].facts = goldFacts();
    clock = new Date(clock.getTime() + day);
    await scorecards.collect();
    const trend = await scorecards.trend(7);
    expect(trend.points.map(p => [p.at.slice(0, 10), p.levels.gold])).toEqual([
      ['2026-12-01', 1],
      ['2026-12-02', 2],
    ]);
    expect(trend.points[1].passed['dead-letters']).toBe(3);
    // The latest collection is what cards show.
    expect(
      (await scorecards.forEntity('component:default/svc-wallet'))?.level,
    ).toBe('gold');
  });

  it('drops counts after the retention and per-service facts after detailDays, never the latest', async () => {
    await scorecards.collect();
    clock = new Date(clock.getTime() + 3 * day);
    await scorecards.collect();
    const first = (await scorecards.trend(30)).points[0];
    expect(first.at.slice(0, 10)).toBe('2026-12-01');
    // Three days on: the first collection's rows are gone (detailDays 2),
    // its counts stay for the trend.
    expect(
      await store.factsOf(1, 'component:default/svc-ledger'),
    ).toBeUndefined();
    const latest = await store.latest();
    expect(
      await store.factsOf(
        latest!.collection.id,
        'component:default/svc-ledger',
      ),
    ).toEqual(goldFacts());
    // 40 days on, with nothing collected in between: only the latest stays.
    clock = new Date(clock.getTime() + 40 * day);
    await store.prune(clock, 30, 2);
    expect((await scorecards.trend(30)).points).toEqual([]);
    expect(
      await scorecards.forEntity('component:default/svc-ledger'),
    ).toBeDefined();
  });

  it('runs one collection at a time: a second request waits for the first', async () => {
    const [a, b] = await Promise.all([
      scorecards.collect(),
      scorecards.collect(),
    ]);
    expect(a.id).toBe(b.id);
    expect((await scorecards.trend(1)).points).toHaveLength(1);
  });
});
