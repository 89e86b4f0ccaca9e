import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CatalogueFinding,
  ComplianceFilter,
  ComplianceReport,
  CountsGroup,
  EntityPolicyReport,
  ExportRow,
  OUTCOMES,
  Outcome,
  OutcomeCounts,
  PolicyFinding,
  PolicyGroup,
  SEVERITIES,
  SeverityCounts,
  StandardState,
} from '@internal/plugin-kyverno-common';
import {
  KUBERNETES_ANNOTATIONS,
  EntitySelector,
  resourceMatches,
  selectorOf,
} from './matching';
import { PolicyCatalogue } from './PolicyCatalogue';
import { SnapshotStore, StoredResult, StoredSnapshot } from './SnapshotStore';

const FINDING_OUTCOMES: Outcome[] = ['fail', 'error', 'warn', 'excepted'];
const FAILING: Outcome[] = ['fail', 'error', 'warn'];

export function emptyOutcomeCounts(): OutcomeCounts {
  return Object.fromEntries(OUTCOMES.map(o => [o, 0])) as OutcomeCounts;
}
function emptySeverityCounts(): SeverityCounts {
  return Object.fromEntries(
    [...SEVERITIES, 'none'].map(s => [s, 0]),
  ) as SeverityCounts;
}

const outcomeRank = (o: Outcome) => OUTCOMES.indexOf(o);
const severityRank = (s?: string) =>
  s ? (SEVERITIES as readonly string[]).indexOf(s) : SEVERITIES.length;

/** Worst first: outcome, then severity, then the longest open. */
function worstFirst(a: PolicyFinding, b: PolicyFinding) {
  return (
    outcomeRank(a.outcome) - outcomeRank(b.outcome) ||
    severityRank(a.severity) - severityRank(b.severity) ||
    a.firstSeen.localeCompare(b.firstSeen) ||
    a.policy.localeCompare(b.policy)
  );
}

/**
 * Answers the plugin's questions from the stored snapshots: one entity's
 * results, the platform by control, system, team, namespace and cluster,
 * and the rows of an export. Entities are read from the catalog as the
 * caller, so nobody sees results of entities they may not read.
 */
export class ReportService {
  constructor(
    private readonly options: {
      store: SnapshotStore;
      policies: PolicyCatalogue;
      catalog: CatalogService;
      /** Path of the docs holding the remediation pages (/docs/default/component/x). */
      docsPath: string;
    },
  ) {}

  /** Entities that select workloads (any Kubernetes annotation). */
  private async selectors(
    credentials: BackstageCredentials,
  ): Promise<EntitySelector[]> {
    const { items } = await this.options.catalog.getEntities(
      {
        filter: KUBERNETES_ANNOTATIONS.map(a => ({
          [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
        })),
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
          'relations',
        ],
      },
      { credentials },
    );
    return items.flatMap(e => selectorOf(e) ?? []);
  }

  remediationUrl(policy: string): string {
    const known = this.options.policies.policies.get(policy);
    const page = known?.remediation ?? `compliance/kyverno-policies/#${policy}`;
    return `${this.options.docsPath}/${page.replace(/^\/+/, '')}`;
  }

  private finding(r: StoredResult, entityRefs: string[]): PolicyFinding {
    const {
      resourceLabels: _labels,
      fromSnapshot: _f,
      toSnapshot: _t,
      policyDigest: _d,
      ...rest
    } = r;
    return {
      ...rest,
      entityRefs,
      controls: this.options.policies.controlsOf(r.policy),
      remediationUrl: this.remediationUrl(r.policy),
    };
  }

  /**
   * The results of the snapshot every page reads, kept until a newer one:
   * loading 30,000 rows took most of each request (bench/reports.ts).
   */
  private cached?: { id: number; results: Promise<StoredResult[]> };

  private async current(snapshotId?: number) {
    const { store } = this.options;
    const snapshot: StoredSnapshot | undefined =
      snapshotId === undefined
        ? await store.latest()
        : await store.snapshot(snapshotId);
    if (!snapshot) return { snapshot, results: [] as StoredResult[] };
    if (snapshotId !== undefined && snapshotId !== this.cached?.id) {
      return { snapshot, results: await store.resultsAt(snapshot.id) };
    }
    if (this.cached?.id !== snapshot.id) {
      const results = store.resultsAt(snapshot.id);
      this.cached = { id: snapshot.id, results };
      // A failed load is not kept.
      results.catch(() => {
        if (this.cached?.results === results) this.cached = undefined;
      });
    }
    return { snapshot, results: await this.cached.results };
  }

  async forEntity(entity: Entity): Promise<EntityPolicyReport> {
    const selector = selectorOf(entity);
    const { snapshot, results } = await this.current();
    const entityRef = `${entity.kind}:${
      entity.metadata.namespace ?? 'default'
    }/${entity.metadata.name}`.toLocaleLowerCase('en-US');
    const counts = emptyOutcomeCounts();
    const severities = emptySeverityCounts();
    const groups = new Map<string, PolicyGroup>();
    const excepted: PolicyFinding[] = [];
    for (const r of results) {
      if (
        !selector ||
        !resourceMatches(selector, {
          namespace: r.resource.namespace,
          labels: r.resourceLabels,
        })
      ) {
        continue;
      }
      counts[r.outcome] += 1;
      const finding = this.finding(r, [selector.entityRef]);
      if (r.outcome === 'excepted') excepted.push(finding);
      if (!FAILING.includes(r.outcome)) continue;
      severities[r.severity ?? 'none'] += 1;
      let group = groups.get(r.policy);
      if (!group) {
        const known = this.options.policies.policies.get(r.policy);
        group = {
          policy: r.policy,
          title: known?.title,
          severity: known?.severity ?? r.severity,
          controls: known?.controls ?? [],
          remediationUrl: this.remediationUrl(r.policy),
          findings: [],
        };
        groups.set(r.policy, group);
      }
      group.findings.push(finding);
    }
    const failing = [...groups.values()]
      .map(g => ({ ...g, findings: g.findings.sort(worstFirst) }))
      .sort((a, b) => worstFirst(a.findings[0], b.findings[0]));
    return {
      entityRef,
      snapshot: snapshot
        ? { id: snapshot.id, takenAt: snapshot.takenAt }
        : null,
      counts,
      severities,
      failing,
      excepted: excepted.sort(worstFirst),
      clusters: snapshot?.clusters ?? [],
    };
  }

  /**
   * The results of a snapshot (the latest by default) with the entities
   * each belongs to, narrowed by the filter.
   */
  private async filtered(
    filter: ComplianceFilter,
    credentials: BackstageCredentials,
    snapshotId?: number,
  ) {
    const { snapshot, results } = await this.current(snapshotId);
    const selectors = await this.selectors(credentials);
    const policySet = filter.standard
      ? this.options.policies.policiesFor(filter.standard, filter.control)
      : undefined;
    const rows = results.map(r => {
      const entities = selectors.filter(s =>
        resourceMatches(s, {
          namespace: r.resource.namespace,
          labels: r.resourceLabels,
        }),
      );
      return { r, entities };
    });
    const keep = rows.filter(({ r, entities }) => {
      if (policySet && !policySet.has(r.policy)) return false;
      if (filter.policy?.length && !filter.policy.includes(r.policy))
        return false;
      if (
        filter.severity?.length &&
        !(r.severity && filter.severity.includes(r.severity))
      ) {
        return false;
      }
      if (filter.outcome?.length && !filter.outcome.includes(r.outcome))
        return false;
      if (filter.cluster && r.cluster !== filter.cluster) return false;
      if (filter.namespace && r.resource.namespace !== filter.namespace)
        return false;
      if (filter.system && !entities.some(e => e.system === filter.system))
        return false;
      if (filter.owner && !entities.some(e => e.owner === filter.owner))
        return false;
      return true;
    });
    return { snapshot, all: rows, keep, selectors };
  }

  async compliance(
    filter: ComplianceFilter,
    credentials: BackstageCredentials,
    limit: number,
  ): Promise<ComplianceReport> {
    const { policies } = this.options;
    const { snapshot, all, keep, selectors } = await this.filtered(
      filter,
      credentials,
    );

    const totals = emptyOutcomeCounts();
    const group = (
      keyOf: (row: (typeof keep)[number]) => string[],
    ): CountsGroup[] => {
      const map = new Map<string, OutcomeCounts>();
      for (const row of keep) {
        for (const key of keyOf(row)) {
          const counts = map.get(key) ?? emptyOutcomeCounts();
          counts[row.r.outcome] += 1;
          map.set(key, counts);
        }
      }
      return [...map.entries()]
        .map(([key, counts]) => ({ key, counts }))
        .sort(
          (a, b) => b.counts.fail - a.counts.fail || a.key.localeCompare(b.key),
        );
    };
    for (const { r } of keep) totals[r.outcome] += 1;

    // Controls: counts of their policies' results, under the same filter.
    const byPolicy = new Map<string, OutcomeCounts>();
    for (const { r } of keep) {
      const counts = byPolicy.get(r.policy) ?? emptyOutcomeCounts();
      counts[r.outcome] += 1;
      byPolicy.set(r.policy, counts);
    }
    const standards: StandardState[] = policies.controls.standards
      .filter(s => !filter.standard || s.id === filter.standard)
      .map(s => ({
        id: s.id,
        title: s.title,
        controls: s.controls
          .filter(c => !filter.control || c.id === filter.control)
          .map(c => {
            const enforcing = [...policies.policiesFor(s.id, c.id)].sort();
            const counts = emptyOutcomeCounts();
            for (const p of enforcing) {
              const pc = byPolicy.get(p);
              if (pc) for (const o of OUTCOMES) counts[o] += pc[o];
            }
            const seen = OUTCOMES.some(o => counts[o] > 0);
            let status: 'failing' | 'passing' | 'no-results' | 'no-policy' =
              'passing';
            if (enforcing.length === 0) status = 'no-policy';
            else if (counts.fail + counts.error > 0) status = 'failing';
            else if (!seen) status = 'no-results';
            return {
              id: c.id,
              title: c.title,
              policies: enforcing,
              counts,
              status,
            };
          }),
      }));

    const findings = keep
      .filter(({ r }) => FINDING_OUTCOMES.includes(r.outcome))
      .map(({ r, entities }) =>
        this.finding(
          r,
          entities.map(e => e.entityRef),
        ),
      )
      .sort(worstFirst);

    const catalogueFindings: CatalogueFinding[] = [];
    const unknown = new Map<string, Set<string>>();
    for (const { r } of all) {
      if (!policies.policies.has(r.policy)) {
        unknown.set(
          r.policy,
          (unknown.get(r.policy) ?? new Set()).add(r.cluster),
        );
      }
    }
    for (const [policy, clusters] of [...unknown.entries()].sort()) {
      catalogueFindings.push({
        type: 'unknown-policy',
        policy,
        clusters: [...clusters].sort(),
        message: `Policy ${policy} reports on ${[...clusters]
          .sort()
          .join(
            ', ',
          )} but is not in policies/kyverno: no control is evidenced by it, and nobody reviewed it here. Add it to the repository with its controls, or remove it from the cluster.`,
      });
    }
    for (const s of policies.controls.standards) {
      for (const c of s.controls) {
        if (policies.policiesFor(s.id, c.id).size === 0) {
          catalogueFindings.push({
            type: 'control-without-policy',
            control: `${s.id}:${c.id}`,
            message: `${s.id} ${c.id} (${c.title}) has no Kyverno policy enforcing it: its evidence must come from elsewhere.`,
          });
        }
      }
    }

    const unique = (values: (string | undefined)[]) =>
      [...new Set(values.filter((v): v is string => !!v))].sort();
    return {
      snapshot: snapshot
        ? { id: snapshot.id, takenAt: snapshot.takenAt }
        : null,
      clusters: snapshot?.clusters ?? [],
      totals,
      standards,
      bySystem: group(({ entities }) => unique(entities.map(e => e.system))),
      byTeam: group(({ entities }) => unique(entities.map(e => e.owner))),
      byNamespace: group(({ r }) => [r.resource.namespace ?? '(cluster)']),
      byCluster: group(({ r }) => [r.cluster]),
      findings: findings.slice(0, limit),
      totalFindings: findings.length,
      catalogueFindings,
      options: {
        policies: unique(
          all.map(({ r }) => r.policy).concat([...policies.policies.keys()]),
        ),
        namespaces: unique(all.map(({ r }) => r.resource.namespace)),
        clusters: unique((snapshot?.clusters ?? []).map(c => c.cluster)),
        systems: unique(selectors.map(s => s.system)),
        owners: unique(selectors.map(s => s.owner)),
      },
    };
  }

  /** Trend points: the stored counts narrowed by the filter. */
  async trend(filter: ComplianceFilter, from: string, to: string) {
    // Counts are stored per cluster, namespace, policy, severity and
    // outcome: the trend follows those filters, not system or team.
    const policySet = filter.standard
      ? this.options.policies.policiesFor(filter.standard, filter.control)
      : undefined;
    const policyFilter = filter.policy?.length
      ? new Set(filter.policy.filter(p => !policySet || policySet.has(p)))
      : policySet;
    return {
      points: await this.options.store.trend({
        from,
        to,
        policies: policyFilter,
        severities: filter.severity?.length
          ? new Set(filter.severity)
          : undefined,
        outcomes: filter.outcome?.length ? new Set(filter.outcome) : undefined,
        cluster: filter.cluster,
        namespace: filter.namespace,
      }),
    };
  }

  /**
   * Rows of an export: one snapshot, or every state present during a range
   * (with the last snapshot of the range that saw it).
   */
  async exportRows(
    scope: { snapshot?: number; from?: string; to?: string },
    filter: ComplianceFilter,
    credentials: BackstageCredentials,
  ): Promise<{ rows: ExportRow[]; snapshots: number }> {
    const { store } = this.options;
    let snapshots: StoredSnapshot[];
    if (scope.snapshot !== undefined) {
      const s = await store.snapshot(scope.snapshot);
      snapshots = s ? [s] : [];
    } else {
      snapshots = (
        await store.snapshots({ from: scope.from, to: scope.to })
      ).reverse();
    }
    if (snapshots.length === 0) return { rows: [], snapshots: 0 };
    const ids = snapshots.map(s => s.id);
    const results = await store.resultsBetween(ids[0], ids[ids.length - 1]);
    const selectors = await this.selectors(credentials);
    const policySet = filter.standard
      ? this.options.policies.policiesFor(filter.standard, filter.control)
      : undefined;
    const rows: ExportRow[] = [];
    for (const r of results) {
      // The last snapshot of the range in which this state stood.
      const seenIn = [...snapshots]
        .reverse()
        .find(
          s =>
            r.fromSnapshot <= s.id &&
            (r.toSnapshot === null || r.toSnapshot > s.id),
        );
      if (!seenIn) continue;
      if (policySet && !policySet.has(r.policy)) continue;
      if (filter.policy?.length && !filter.policy.includes(r.policy)) continue;
      if (
        filter.severity?.length &&
        !(r.severity && filter.severity.includes(r.severity))
      )
        continue;
      if (filter.outcome?.length && !filter.outcome.includes(r.outcome))
        continue;
      if (filter.cluster && r.cluster !== filter.cluster) continue;
      if (filter.namespace && r.resource.namespace !== filter.namespace)
        continue;
      if (filter.system || filter.owner) {
        const entities = selectors.filter(s =>
          resourceMatches(s, {
            namespace: r.resource.namespace,
            labels: r.resourceLabels,
          }),
        );
        if (filter.system && !entities.some(e => e.system === filter.system))
          continue;
        if (filter.owner && !entities.some(e => e.owner === filter.owner))
          continue;
      }
      rows.push({
        cluster: r.cluster,
        report: r.report,
        policy: r.policy,
        rule: r.rule,
        result: r.result,
        outcome: r.outcome,
        exception: r.exception ?? '',
        severity: r.severity ?? '',
        category: r.category ?? '',
        resource_api_version: r.resource.apiVersion,
        resource_kind: r.resource.kind,
        resource_namespace: r.resource.namespace ?? '',
        resource_name: r.resource.name,
        message: r.message ?? '',
        first_seen: r.firstSeen,
        snapshot_id: String(seenIn.id),
        snapshot_time: seenIn.takenAt,
        policy_digest: r.policyDigest ?? '',
      });
    }
    return { rows, snapshots: snapshots.length };
  }
}
