import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { testDatabases } from '../__testUtils__/databases';
import { ClusterRead, LabelledResult } from './ClusterReader';
import { SnapshotStore } from './SnapshotStore';

/**
 * The history on SQLite (development) and, when the test services run,
 * PostgreSQL (production): snapshots, "first seen", stale clusters,
 * retention.
 */
const { engines } = testDatabases();

const at = (day: number, hour = 12) => new Date(Date.UTC(2026, 10, day, hour));

function result(
  name: string,
  outcome: 'pass' | 'fail' | 'warn',
  extra: Partial<LabelledResult> = {},
): LabelledResult {
  return {
    cluster: 'eks-prod',
    report: `wgpolicyk8s.io/v1alpha2/PolicyReport/svc-ledger/${name}`,
    reportApi: 'wgpolicyk8s.io/v1alpha2',
    policy: 'require-probes',
    rule: 'require-liveness',
    result: outcome,
    outcome,
    severity: 'medium',
    message: outcome === 'pass' ? 'ok' : 'livenessProbe is required',
    resource: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'svc-ledger',
      name,
    },
    resourceLabels: { 'backstage.io/kubernetes-id': 'svc-ledger' },
    properties: {},
    ...extra,
  };
}

function read(cluster: string, results: LabelledResult[]): ClusterRead {
  return {
    status: {
      cluster,
      ok: true,
      apis: ['wgpolicyk8s.io/v1alpha2'],
      reports: results.length,
      results: results.length,
      warnings: [],
    },
    results: results.map(r => ({ ...r, cluster })),
    requests: 1,
    waitMs: 1,
  };
}

const digest = () => 'd1';

describe.each(engines)('SnapshotStore on %s', (_engine, connect) => {
  let knex: Knex;
  let store: SnapshotStore;

  beforeEach(async () => {
    knex = await connect();
    store = await SnapshotStore.create(mockServices.database({ knex }));
  });

  it('keeps when a failing result was first seen across snapshots, and restarts it when it passed in between', async () => {
    await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [result('api', 'fail')]),
        },
      ],
      digest,
      at(1),
    );
    // Unchanged for 22 days: the same row, first seen on day 1.
    const s2 = await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [result('api', 'fail')]),
        },
      ],
      digest,
      at(23),
    );
    const [open] = await store.resultsAt(s2.id);
    expect(open.firstSeen).toBe(at(1).toISOString());
    expect(await knex('kyverno_results').count({ n: '*' })).toEqual([
      { n: expect.anything() },
    ]);
    expect(Number((await knex('kyverno_results').count({ n: '*' }))[0].n)).toBe(
      1,
    );

    // A new message, still failing: a new state, still open since day 1.
    const s3 = await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [
            result('api', 'fail', {
              message: 'livenessProbe and readinessProbe are required',
            }),
          ]),
        },
      ],
      digest,
      at(24),
    );
    expect((await store.resultsAt(s3.id))[0].firstSeen).toBe(
      at(1).toISOString(),
    );
    // Fixed, then failing again: open since it failed again.
    await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [result('api', 'pass')]),
        },
      ],
      digest,
      at(25),
    );
    const s5 = await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [result('api', 'fail')]),
        },
      ],
      digest,
      at(26),
    );
    const [again] = await store.resultsAt(s5.id);
    expect(again.outcome).toBe('fail');
    expect(again.firstSeen).toBe(at(26).toISOString());
    // The past is still readable as it was.
    expect((await store.resultsAt(s2.id)).map(r => r.message)).toEqual([
      'livenessProbe is required',
    ]);
  });

  it('never counts a result twice: duplicates in a snapshot and unchanged results across snapshots', async () => {
    const twice = [
      result('api', 'fail'),
      result('api', 'fail'),
      result('worker', 'pass'),
    ];
    const s1 = await store.record(
      [{ cluster: 'eks-prod', read: read('eks-prod', twice) }],
      digest,
      at(1),
    );
    const s2 = await store.record(
      [{ cluster: 'eks-prod', read: read('eks-prod', twice) }],
      digest,
      at(2),
    );
    expect(s1.results).toBe(2);
    expect(s2.results).toBe(2);
    const trend = await store.trend({
      from: at(1).toISOString(),
      to: at(3).toISOString(),
    });
    expect(trend.map(p => [p.counts.fail, p.counts.pass])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it("keeps a failed cluster's last results, marked with when they were read, and the other cluster's new ones", async () => {
    await store.record(
      [
        {
          cluster: 'eks-prod',
          read: read('eks-prod', [result('api', 'fail')]),
        },
        {
          cluster: 'eks-staging',
          read: read('eks-staging', [result('api', 'pass')]),
        },
      ],
      digest,
      at(1),
    );
    const s2 = await store.record(
      [
        {
          cluster: 'eks-prod',
          error: "cluster 'eks-prod' could not be reached: ECONNREFUSED",
        },
        {
          cluster: 'eks-staging',
          read: read('eks-staging', [result('api', 'fail')]),
        },
      ],
      digest,
      at(2),
    );
    const prod = s2.clusters.find(c => c.cluster === 'eks-prod')!;
    expect(prod).toMatchObject({ ok: false, readAt: at(1).toISOString() });
    expect(prod.error).toContain('ECONNREFUSED');
    const results = await store.resultsAt(s2.id);
    expect(results.map(r => [r.cluster, r.outcome]).sort()).toEqual([
      ['eks-prod', 'fail'],
      ['eks-staging', 'fail'],
    ]);
    // Still down a snapshot later: still as of day 1.
    const s3 = await store.record(
      [
        { cluster: 'eks-prod', error: 'down' },
        { cluster: 'eks-staging', read: read('eks-staging', []) },
      ],
      digest,
      at(3),
    );
    expect(s3.clusters.find(c => c.cluster === 'eks-prod')!.readAt).toBe(
      at(1).toISOString(),
    );
    // A cluster no longer configured: its results end.
    const s4 = await store.record(
      [{ cluster: 'eks-staging', read: read('eks-staging', []) }],
      digest,
      at(4),
    );
    expect(await store.resultsAt(s4.id)).toEqual([]);
  });

  it('thins old snapshots to one a day, deletes those past retention, and their results', async () => {
    for (const [day, hour] of [
      [1, 1],
      [1, 13],
      [2, 1],
      [20, 1],
      [20, 2],
    ]) {
      await store.record(
        [
          {
            cluster: 'eks-prod',
            read: read('eks-prod', [result(`api-${day}-${hour}`, 'fail')]),
          },
        ],
        digest,
        at(day, hour),
      );
    }
    // Now is day 21: retention 10 days, every snapshot for 5.
    await store.prune(at(21), 10, 5);
    const left = await store.snapshots();
    expect(left.map(s => s.takenAt)).toEqual([
      at(20, 2).toISOString(),
      at(20, 1).toISOString(),
    ]);
    const rows = await knex('kyverno_results').select('resource_name');
    expect(rows.map(r => r.resource_name).sort()).toEqual([
      'api-20-1',
      'api-20-2',
    ]);
  });

  it('writes the audit row of an export before it is sent, then how it ended', async () => {
    const id = await store.startExport({
      user: 'user:default/rita',
      format: 'csv',
      scope: { snapshot: 3 },
    });
    expect((await store.exports())[0]).toMatchObject({
      id,
      outcome: 'pending',
      user_entity_ref: 'user:default/rita',
    });
    await store.finishExport(id, { outcome: 'done', rows: 12 });
    expect((await store.exports())[0]).toMatchObject({
      outcome: 'done',
      rows: 12,
    });
  });
});
