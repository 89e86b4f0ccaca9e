import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import {
  ClusterStatus,
  findingKey,
  OUTCOMES,
  Outcome,
  OutcomeCounts,
  PolicyResult,
  ReportApi,
  Severity,
  SnapshotInfo,
  TrendPoint,
} from '@internal/plugin-kyverno-common';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { ClusterRead, LabelledResult } from './ClusterReader';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-kyverno-backend',
  'migrations',
);

type ResultRow = {
  id: number;
  from_snapshot: number;
  to_snapshot: number | null;
  state_key: string;
  finding_key: string;
  first_seen: string;
  cluster: string;
  report: string;
  report_api: string;
  policy: string;
  rule: string;
  result: string;
  outcome: string;
  exception: string | null;
  severity: string | null;
  category: string | null;
  message: string | null;
  resource_api_version: string;
  resource_kind: string;
  resource_namespace: string | null;
  resource_name: string;
  resource_uid: string | null;
  resource_labels: string;
  timestamp: string | null;
  source: string | null;
  scored: boolean | number | null;
  properties: string;
  policy_digest: string | null;
};

type SnapshotRow = {
  id: number;
  taken_at: string;
  clusters: string;
  results: number;
};

/** A stored result, as the queries return it. */
export type StoredResult = LabelledResult & {
  firstSeen: string;
  policyDigest?: string;
  fromSnapshot: number;
  toSnapshot: number | null;
};

/** What one cluster gave in a snapshot: its results, or why not. */
export type ClusterOutcome =
  | { cluster: string; read: ClusterRead }
  | { cluster: string; error: string };

export type StoredSnapshot = SnapshotInfo & {
  clusters: ClusterStatus[];
  results: number;
};

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Everything that makes a state of a result: a change makes a new row. */
function stateKey(r: LabelledResult, digest: string | undefined) {
  return sha(
    JSON.stringify([
      r.cluster,
      r.report,
      r.policy,
      r.rule,
      r.result,
      r.outcome,
      r.exception ?? null,
      r.severity ?? null,
      r.category ?? null,
      r.message ?? null,
      r.resource,
      r.resourceLabels,
      digest ?? null,
    ]),
  );
}

const CHUNK = 500;

function emptyCounts(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map(o => [o, 0])) as OutcomeCounts;
}

function toStored(row: ResultRow): StoredResult {
  return {
    cluster: row.cluster,
    report: row.report,
    reportApi: row.report_api as ReportApi,
    policy: row.policy,
    rule: row.rule,
    result: row.result as PolicyResult['result'],
    outcome: row.outcome as Outcome,
    exception: row.exception ?? undefined,
    severity: (row.severity ?? undefined) as Severity | undefined,
    category: row.category ?? undefined,
    message: row.message ?? undefined,
    resource: {
      apiVersion: row.resource_api_version,
      kind: row.resource_kind,
      namespace: row.resource_namespace ?? undefined,
      name: row.resource_name,
      uid: row.resource_uid ?? undefined,
    },
    resourceLabels: JSON.parse(row.resource_labels),
    timestamp: row.timestamp ?? undefined,
    source: row.source ?? undefined,
    scored: row.scored === null ? undefined : Boolean(row.scored),
    properties: JSON.parse(row.properties),
    firstSeen: row.first_seen,
    policyDigest: row.policy_digest ?? undefined,
    fromSnapshot: row.from_snapshot,
    toSnapshot: row.to_snapshot,
  };
}

/**
 * The snapshots of the clusters' policy reports, in the plugin's database
 * (tables made by the knex migrations in `migrations/`). A result that does
 * not change is stored once, valid from the snapshot that first saw it to
 * the one that no longer did; each snapshot is one transaction, so a
 * restart or a failure mid-way never leaves half a snapshot to count twice.
 */
export class SnapshotStore {
  static async create(database: DatabaseService): Promise<SnapshotStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new SnapshotStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  /**
   * Records a snapshot: every cluster read replaces its current results
   * (unchanged ones kept, gone ones closed, new ones added); a cluster that
   * failed keeps its last results, marked with when they were read.
   */
  async record(
    outcomes: ClusterOutcome[],
    digestOf: (policy: string) => string | undefined,
    takenAt: Date = new Date(),
  ): Promise<StoredSnapshot> {
    const at = takenAt.toISOString();
    return this.knex.transaction(async trx => {
      const previous = await trx('kyverno_snapshots')
        .orderBy('id', 'desc')
        .first();
      const previousStatus = new Map<string, ClusterStatus>(
        previous
          ? (JSON.parse(previous.clusters) as ClusterStatus[]).map(s => [
              s.cluster,
              s,
            ])
          : [],
      );
      const [inserted] = await trx('kyverno_snapshots')
        .insert({ taken_at: at, clusters: '[]', results: 0 })
        .returning('id');
      const id = Number(typeof inserted === 'object' ? inserted.id : inserted);

      const statuses: ClusterStatus[] = [];
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          const before = previousStatus.get(outcome.cluster);
          const readAt =
            before?.ok && previous ? previous.taken_at : before?.readAt;
          statuses.push({
            cluster: outcome.cluster,
            ok: false,
            error: outcome.error,
            apis: before?.apis ?? [],
            reports: 0,
            results: 0,
            warnings: [],
            readAt,
          });
          continue;
        }
        statuses.push({ ...outcome.read.status, readAt: at });
        await this.replaceCluster(
          trx,
          id,
          at,
          outcome.cluster,
          outcome.read.results,
          digestOf,
        );
      }
      // Clusters no longer configured: their results end here.
      const known = outcomes.map(o => o.cluster);
      await trx('kyverno_results')
        .whereNull('to_snapshot')
        .modify(q => (known.length ? q.whereNotIn('cluster', known) : q))
        .update({ to_snapshot: id });

      await trx.raw(
        `insert into kyverno_counts (snapshot_id, cluster, namespace, policy, severity, outcome, count)
         select ?, cluster, coalesce(resource_namespace, ''), policy, coalesce(severity, ''), outcome, count(*)
         from kyverno_results
         where from_snapshot <= ? and (to_snapshot is null or to_snapshot > ?)
         group by cluster, coalesce(resource_namespace, ''), policy, coalesce(severity, ''), outcome`,
        [id, id, id],
      );
      const total = await trx('kyverno_counts')
        .where({ snapshot_id: id })
        .sum({ n: 'count' })
        .first();
      const results = Number(total?.n ?? 0);
      await trx('kyverno_snapshots')
        .where({ id })
        .update({ clusters: JSON.stringify(statuses), results });
      return { id, takenAt: at, clusters: statuses, results };
    });
  }

  private async replaceCluster(
    trx: Knex.Transaction,
    snapshotId: number,
    at: string,
    cluster: string,
    results: LabelledResult[],
    digestOf: (policy: string) => string | undefined,
  ) {
    const open: Pick<
      ResultRow,
      'id' | 'state_key' | 'finding_key' | 'outcome' | 'first_seen'
    >[] = await trx('kyverno_results')
      .where({ cluster })
      .whereNull('to_snapshot')
      .select('id', 'state_key', 'finding_key', 'outcome', 'first_seen');
    const openByState = new Map(open.map(r => [r.state_key, r]));
    // When a finding was first seen with an outcome, across its states.
    const firstSeen = new Map<string, string>();
    for (const r of open) {
      const key = `${r.finding_key}|${r.outcome}`;
      const seen = firstSeen.get(key);
      if (!seen || r.first_seen < seen) firstSeen.set(key, r.first_seen);
    }

    const keep = new Set<string>();
    const rows: Omit<ResultRow, 'id'>[] = [];
    for (const r of results) {
      const digest = digestOf(r.policy);
      const state = stateKey(r, digest);
      if (keep.has(state)) continue; // the same result twice counts once
      keep.add(state);
      if (openByState.has(state)) continue;
      const finding = sha(findingKey(r));
      rows.push({
        from_snapshot: snapshotId,
        to_snapshot: null,
        state_key: state,
        finding_key: finding,
        first_seen: firstSeen.get(`${finding}|${r.outcome}`) ?? at,
        cluster,
        report: r.report,
        report_api: r.reportApi,
        policy: r.policy,
        rule: r.rule,
        result: r.result,
        outcome: r.outcome,
        exception: r.exception ?? null,
        severity: r.severity ?? null,
        category: r.category ?? null,
        message: r.message ?? null,
        resource_api_version: r.resource.apiVersion,
        resource_kind: r.resource.kind,
        resource_namespace: r.resource.namespace ?? null,
        resource_name: r.resource.name,
        resource_uid: r.resource.uid ?? null,
        resource_labels: JSON.stringify(r.resourceLabels),
        timestamp: r.timestamp ?? null,
        source: r.source ?? null,
        scored: r.scored ?? null,
        properties: JSON.stringify(r.properties),
        policy_digest: digest ?? null,
      });
    }
    const gone = open.filter(r => !keep.has(r.state_key)).map(r => r.id);
    for (let i = 0; i < gone.length; i += CHUNK) {
      await trx('kyverno_results')
        .whereIn('id', gone.slice(i, i + CHUNK))
        .update({ to_snapshot: snapshotId });
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx('kyverno_results').insert(rows.slice(i, i + CHUNK));
    }
  }

  async latest(): Promise<StoredSnapshot | undefined> {
    const row = await this.knex('kyverno_snapshots')
      .orderBy('id', 'desc')
      .first();
    return row ? this.toSnapshot(row) : undefined;
  }

  async snapshot(id: number): Promise<StoredSnapshot | undefined> {
    const row = await this.knex('kyverno_snapshots').where({ id }).first();
    return row ? this.toSnapshot(row) : undefined;
  }

  async snapshots(
    options: { limit?: number; from?: string; to?: string } = {},
  ): Promise<StoredSnapshot[]> {
    const rows = await this.knex('kyverno_snapshots')
      .modify(q => {
        if (options.from) q.where('taken_at', '>=', options.from);
        if (options.to) q.where('taken_at', '<=', options.to);
        if (options.limit) q.limit(options.limit);
      })
      .orderBy('id', 'desc');
    return rows.map((r: SnapshotRow) => this.toSnapshot(r));
  }

  private toSnapshot(row: SnapshotRow): StoredSnapshot {
    return {
      id: Number(row.id),
      takenAt: row.taken_at,
      clusters: JSON.parse(row.clusters),
      results: Number(row.results),
    };
  }

  /** The results as they stood at a snapshot. */
  async resultsAt(snapshotId: number): Promise<StoredResult[]> {
    const rows: ResultRow[] = await this.knex('kyverno_results')
      .where('from_snapshot', '<=', snapshotId)
      .andWhere(q =>
        q.whereNull('to_snapshot').orWhere('to_snapshot', '>', snapshotId),
      )
      .orderBy('id');
    return rows.map(toStored);
  }

  /** Every state of a result present at some snapshot between two. */
  async resultsBetween(
    firstId: number,
    lastId: number,
  ): Promise<StoredResult[]> {
    const rows: ResultRow[] = await this.knex('kyverno_results')
      .where('from_snapshot', '<=', lastId)
      .andWhere(q =>
        q.whereNull('to_snapshot').orWhere('to_snapshot', '>', firstId),
      )
      .orderBy('id');
    return rows.map(toStored);
  }

  /** Counts per snapshot in a time range, narrowed by the filter. */
  async trend(options: {
    from: string;
    to: string;
    policies?: Set<string>;
    severities?: Set<string>;
    outcomes?: Set<string>;
    cluster?: string;
    namespace?: string;
  }): Promise<TrendPoint[]> {
    const rows: {
      id: number;
      taken_at: string;
      outcome: string;
      n: number | string;
    }[] = await this.knex('kyverno_counts as c')
      .join('kyverno_snapshots as s', 's.id', 'c.snapshot_id')
      .where('s.taken_at', '>=', options.from)
      .andWhere('s.taken_at', '<=', options.to)
      .modify(q => {
        if (options.policies) q.whereIn('c.policy', [...options.policies]);
        if (options.severities)
          q.whereIn('c.severity', [...options.severities]);
        if (options.outcomes) q.whereIn('c.outcome', [...options.outcomes]);
        if (options.cluster) q.where('c.cluster', options.cluster);
        if (options.namespace) q.where('c.namespace', options.namespace);
      })
      .groupBy('s.id', 's.taken_at', 'c.outcome')
      .select('s.id as id', 's.taken_at as taken_at', 'c.outcome as outcome')
      .sum({ n: 'c.count' });
    // Every snapshot of the range is a point, even one with no match.
    const snapshots = await this.snapshots({
      from: options.from,
      to: options.to,
    });
    const points = new Map<number, TrendPoint>(
      snapshots
        .reverse()
        .map(s => [
          s.id,
          { snapshotId: s.id, takenAt: s.takenAt, counts: emptyCounts() },
        ]),
    );
    for (const r of rows) {
      const point = points.get(Number(r.id));
      if (point && (OUTCOMES as readonly string[]).includes(r.outcome)) {
        point.counts[r.outcome as Outcome] += Number(r.n);
      }
    }
    return [...points.values()];
  }

  /**
   * Retention: snapshots older than `retentionDays` go, with the result
   * states no kept snapshot sees; those older than `fullDays` are thinned to
   * the last of each day.
   */
  async prune(now: Date, retentionDays: number, fullDays: number) {
    const day = 24 * 3600 * 1000;
    const retainFrom = new Date(
      now.getTime() - retentionDays * day,
    ).toISOString();
    const fullFrom = new Date(now.getTime() - fullDays * day).toISOString();
    await this.knex.transaction(async trx => {
      const old: { id: number; taken_at: string }[] = await trx(
        'kyverno_snapshots',
      )
        .where('taken_at', '<', fullFrom)
        .orderBy('id')
        .select('id', 'taken_at');
      const lastOfDay = new Map<string, number>();
      for (const s of old) lastOfDay.set(s.taken_at.slice(0, 10), Number(s.id));
      const keep = new Set(lastOfDay.values());
      const drop = old
        .filter(s => s.taken_at < retainFrom || !keep.has(Number(s.id)))
        .map(s => Number(s.id));
      for (let i = 0; i < drop.length; i += CHUNK) {
        const ids = drop.slice(i, i + CHUNK);
        await trx('kyverno_counts').whereIn('snapshot_id', ids).delete();
        await trx('kyverno_snapshots').whereIn('id', ids).delete();
      }
      const oldest = await trx('kyverno_snapshots').min({ id: 'id' }).first();
      if (oldest?.id !== undefined && oldest?.id !== null) {
        await trx('kyverno_results')
          .whereNotNull('to_snapshot')
          .andWhere('to_snapshot', '<=', Number(oldest.id))
          .delete();
      }
    });
  }

  /** Writes the audit row of an export before it is sent; returns its id. */
  async startExport(entry: {
    user: string;
    format: string;
    scope: object;
    at?: Date;
  }): Promise<number> {
    const [inserted] = await this.knex('kyverno_exports')
      .insert({
        user_entity_ref: entry.user,
        at: (entry.at ?? new Date()).toISOString(),
        format: entry.format,
        scope: JSON.stringify(entry.scope),
        rows: null,
        outcome: 'pending',
      })
      .returning('id');
    return Number(typeof inserted === 'object' ? inserted.id : inserted);
  }

  async finishExport(
    id: number,
    end: { outcome: 'done' | 'failed'; rows?: number },
  ) {
    await this.knex('kyverno_exports')
      .where({ id })
      .update({ outcome: end.outcome, rows: end.rows ?? null });
  }

  async exports(limit = 50) {
    return this.knex('kyverno_exports').orderBy('id', 'desc').limit(limit);
  }
}
