import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_OWNED_BY,
  RELATION_PROVIDES_API,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  readFindings,
  readOwningServices,
  readTopicSpec,
} from '@internal/plugin-data-ownership-common';
import { DEAD_LETTERS_ANNOTATION } from '@internal/plugin-dlq-common';
import {
  ONCALL_PRIMARY_ANNOTATION,
  ONCALL_ROTATION_ANNOTATION,
} from '@internal/plugin-runbooks-common';
import {
  PrometheusAlertingRule,
  PrometheusHttpClient,
} from '@internal/prometheus-client';
import { ServiceFacts, Unavailable } from './facts';
import { PluginSources, SourceError } from './PluginSources';

/** A service as the catalog gives it, with the refs rollups group by. */
export interface ScoredService {
  entity: Entity;
  entityRef: string;
  title?: string;
  owner?: string;
  system?: string;
  domain?: string;
}

const TECHDOCS_ANNOTATIONS = [
  'backstage.io/techdocs-ref',
  'backstage.io/techdocs-entity',
];
/** The seed's critical queue, whatever prefix the broker gives it. */
const CRITICAL_QUEUE = /(^|[.:_-])critical$/;

/**
 * Reads every fact about every service once per collection: the catalog in
 * a few list calls (services, groups, APIs, systems, data resources), the
 * alerting rules in one Prometheus call, then each service's SLOs,
 * runbooks, policy results, dead letters and TechDocs from the plugins that
 * own them, `concurrency` services at a time. A source that fails for a
 * service makes that fact unavailable, never the collection.
 */
export class FactCollector {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      sources: PluginSources;
      prometheus?: PrometheusHttpClient;
      logger: LoggerService;
      concurrency: number;
    },
  ) {}

  async collect(): Promise<{ service: ScoredService; facts: ServiceFacts }[]> {
    const catalog = await this.readCatalog();
    const rules = await this.alertingRules();
    const drift = await attempt(() => this.options.sources.goldenPathDrift());
    const goldenPathOf = (ref: string): ServiceFacts['goldenPath'] => {
      if ('ok' in drift) return drift;
      const service = drift.services.find(d => d.entityRef === ref);
      return service
        ? {
            ok: true,
            version: service.version,
            current: service.current,
            behind: service.behind,
          }
        : { ok: true, behind: 0 };
    };
    return mapLimit(catalog.services, this.options.concurrency, async s => ({
      service: s,
      facts: {
        ...(await this.factsOf(s, catalog, rules)),
        goldenPath: goldenPathOf(s.entityRef),
      },
    }));
  }

  private async readCatalog() {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const list = async (filter: Record<string, string>) =>
      (await this.options.catalog.getEntities({ filter }, { credentials }))
        .items;
    const [components, groups, apis, systems, resources] = await Promise.all([
      list({ kind: 'Component', 'spec.type': 'service' }),
      list({ kind: 'Group' }),
      list({ kind: 'API' }),
      list({ kind: 'System' }),
      list({ kind: 'Resource' }),
    ]);
    const byRef = (items: Entity[]) =>
      new Map(items.map(e => [stringifyEntityRef(e), e]));
    const systemsByRef = byRef(systems);
    const services: ScoredService[] = components.map(entity => {
      const ref = (kind: string, value: unknown) =>
        typeof value === 'string' && value
          ? stringifyEntityRef(
              parseEntityRef(value, {
                defaultKind: kind,
                defaultNamespace: entity.metadata.namespace ?? 'default',
              }),
            )
          : undefined;
      const owner =
        entity.relations?.find(r => r.type === RELATION_OWNED_BY)?.targetRef ??
        safe(() => ref('group', entity.spec?.owner));
      const system = safe(() => ref('system', entity.spec?.system));
      const domain = system
        ? safe(() => ref('domain', systemsByRef.get(system)?.spec?.domain))
        : undefined;
      return {
        entity,
        entityRef: stringifyEntityRef(entity),
        title: entity.metadata.title,
        owner,
        system,
        domain,
      };
    });
    // Findings of tables and topics go to the services that own or produce them.
    const findingsByService = new Map<
      string,
      ServiceFacts['dataOwnership']['findings']
    >();
    const addFindings = (service: string, resource: Entity) => {
      const found = findingsByService.get(service) ?? [];
      for (const finding of readFindings(resource)) {
        found.push({
          entityRef: stringifyEntityRef(resource),
          rule: finding.rule,
          message: finding.message,
        });
      }
      findingsByService.set(service, found);
    };
    for (const resource of resources) {
      if (readFindings(resource).length === 0) continue;
      const concerned = new Set([
        ...readOwningServices(resource),
        ...readTopicSpec(resource).producers,
      ]);
      for (const service of concerned) {
        const canonical = safe(() =>
          stringifyEntityRef(
            parseEntityRef(service, { defaultKind: 'component' }),
          ),
        );
        if (canonical) addFindings(canonical, resource);
      }
    }
    for (const service of services)
      addFindings(service.entityRef, service.entity);
    return {
      services,
      groups: byRef(groups),
      apis: byRef(apis),
      findingsByService,
    };
  }

  /** Prometheus' alerting rules; undefined when not configured, an error when down. */
  private async alertingRules(): Promise<
    PrometheusAlertingRule[] | Unavailable | undefined
  > {
    if (!this.options.prometheus) return undefined;
    try {
      return await this.options.prometheus.alertingRules();
    } catch (e) {
      const error = (e as Error).message;
      this.options.logger.warn(`Scorecards: alerting rules not read: ${error}`);
      return { ok: false, error };
    }
  }

  private async factsOf(
    service: ScoredService,
    catalog: Awaited<ReturnType<FactCollector['readCatalog']>>,
    rules: PrometheusAlertingRule[] | Unavailable | undefined,
  ): Promise<Omit<ServiceFacts, 'goldenPath'>> {
    const { entity } = service;
    const compound = getCompoundEntityRef(entity);
    const { sources } = this.options;
    const [slos, runbooks, kyverno, deadLetters, techdocs] = await Promise.all([
      attempt(async () => {
        const list = await sources.slos(compound);
        const named = (re: RegExp) =>
          list.slos.filter(s => re.test(s.slo)).map(s => s.slo);
        if (list.slos.length === 0 && list.errors.length > 0) {
          return unavailable(list.errors[0].message);
        }
        return {
          ok: true as const,
          availability: named(/availab/i),
          latency: named(/latenc/i),
          exhausted: list.slos
            .filter(s => (s.errorBudget.remainingRatio ?? 1) <= 0)
            .map(s => s.slo),
          unmeasured: list.slos
            .filter(
              s =>
                s.errorBudget.remainingRatio === undefined ||
                s.errorBudget.remainingRatio === null,
            )
            .map(s => s.slo),
          problems: list.specProblems.map(p => `${p.file}: ${p.message}`),
        };
      }),
      attempt(async () => {
        if (rules === undefined) {
          return unavailable(
            'Alerting rules are not read: set scorecards.prometheus in the portal config.',
          );
        }
        if ('ok' in rules) return rules;
        const alerts = alertsOf(entity.metadata.name, rules);
        if (!entity.metadata.annotations?.['backstage.io/techdocs-ref']) {
          return {
            ok: true as const,
            alerts,
            uncovered: alerts,
            stale: [],
          };
        }
        const { runbooks: found } = await sources.runbooks(compound);
        const covering = (alert: string) =>
          found.filter(r => r.alerts.includes(alert));
        return {
          ok: true as const,
          alerts,
          uncovered: alerts.filter(a => covering(a).length === 0),
          stale: [
            ...new Set(
              alerts.flatMap(a =>
                covering(a)
                  .filter(r => r.stale)
                  .map(r => `${r.id} (reviewed ${r.lastReviewed})`),
              ),
            ),
          ],
        };
      }),
      attempt(async () => {
        const report = await sources.policyResults(compound);
        return {
          ok: true as const,
          snapshot: report.snapshot !== null,
          results: Object.values(report.counts).reduce((a, b) => a + b, 0),
          criticalOrHigh:
            (report.severities.critical ?? 0) + (report.severities.high ?? 0),
          policies: report.failing
            .filter(g => g.severity === 'critical' || g.severity === 'high')
            .map(g => g.policy),
        };
      }),
      attempt(async () => {
        if (
          entity.metadata.annotations?.[DEAD_LETTERS_ANNOTATION] === undefined
        ) {
          return { ok: true as const, declared: false, critical: 0 };
        }
        const list = await sources.deadLetters(service.entityRef);
        return {
          ok: true as const,
          declared: true,
          critical: list.queues
            .filter(q => CRITICAL_QUEUE.test(q.queue))
            .reduce((n, q) => n + q.depth, 0),
        };
      }),
      attempt(() => this.techdocsOf(entity)),
    ]);
    return {
      owner: this.ownerOf(service, catalog.groups),
      techdocs,
      apis: this.apisOf(entity, catalog.apis),
      slos,
      runbooks,
      kyverno,
      dataOwnership: {
        findings: catalog.findingsByService.get(service.entityRef) ?? [],
      },
      deadLetters,
    };
  }

  private ownerOf(
    service: ScoredService,
    groups: Map<string, Entity>,
  ): ServiceFacts['owner'] {
    const owner = service.owner ? groups.get(service.owner) : undefined;
    if (!owner) return { ref: service.owner, exists: false, onCallPeople: 0 };
    const annotations = owner.metadata.annotations ?? {};
    const rotationRef = annotations[ONCALL_PRIMARY_ANNOTATION]
      ? service.owner
      : safe(() =>
          stringifyEntityRef(
            parseEntityRef(annotations[ONCALL_ROTATION_ANNOTATION] ?? '', {
              defaultKind: 'group',
            }),
          ),
        );
    const rotation = rotationRef ? groups.get(rotationRef) : undefined;
    const people =
      rotation && rotation.metadata.annotations?.[ONCALL_PRIMARY_ANNOTATION]
        ? ((rotation.spec?.members as string[] | undefined)?.length ?? 0) || 1
        : 0;
    return {
      ref: service.owner,
      exists: true,
      rotation: rotation ? stringifyEntityRef(rotation) : rotationRef,
      onCallPeople: people,
    };
  }

  private apisOf(
    entity: Entity,
    apis: Map<string, Entity>,
  ): ServiceFacts['apis'] {
    const provided = (entity.relations ?? [])
      .filter(r => r.type === RELATION_PROVIDES_API)
      .map(r => r.targetRef)
      .sort();
    return {
      provided,
      withoutDefinition: provided.filter(ref => {
        const definition = apis.get(ref)?.spec?.definition;
        return typeof definition !== 'string' || definition.trim() === '';
      }),
    };
  }

  private async techdocsOf(entity: Entity): Promise<ServiceFacts['techdocs']> {
    const annotations = entity.metadata.annotations ?? {};
    const annotated = TECHDOCS_ANNOTATIONS.some(a => annotations[a]);
    if (!annotated) return { ok: true, annotated, site: 'not-checked' };
    // Docs kept on another entity (techdocs-entity) are that entity's site.
    const target = annotations['backstage.io/techdocs-entity']
      ? parseEntityRef(annotations['backstage.io/techdocs-entity'])
      : getCompoundEntityRef(entity);
    const { sources } = this.options;
    let site = await sources.techdocsSite(target);
    if (!site) {
      // Nothing published yet: ask TechDocs to build (a local builder
      // builds, an external one only looks) and read again.
      try {
        await sources.buildTechdocs(target);
      } catch (e) {
        if (e instanceof SourceError) {
          return { ok: true, annotated, site: 'failed', error: e.message };
        }
        throw e;
      }
      site = await sources.techdocsSite(target);
    }
    return site
      ? { ok: true, annotated, site: 'built', builtAt: site.builtAt }
      : { ok: true, annotated, site: 'missing' };
  }
}

/**
 * The alerts a service has to answer: rules labelled with its name
 * (`service` or Sloth's `sloth_service`), and platform-wide rules that
 * carry no service label but link a runbook per service
 * (`runbook_url` templated with `$labels.service`): every service they
 * fire for needs that runbook, like the SLO burn alerts.
 */
export function alertsOf(
  service: string,
  rules: PrometheusAlertingRule[],
): string[] {
  const perService = /\$labels\.(sloth_)?service\b/;
  const applies = (r: PrometheusAlertingRule) => {
    const named = r.labels.service ?? r.labels.sloth_service;
    if (named !== undefined) return named === service;
    return perService.test(r.annotations.runbook_url ?? '');
  };
  return [...new Set(rules.filter(applies).map(r => r.name))].sort();
}

function unavailable(error: string): Unavailable {
  return { ok: false, error };
}

/** A source's failure becomes an unavailable fact that says why. */
async function attempt<T>(read: () => Promise<T>): Promise<T | Unavailable> {
  try {
    return await read();
  } catch (e) {
    return unavailable(
      e instanceof SourceError ? e.message : `failed: ${(e as Error).message}`,
    );
  }
}

function safe<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, worker),
  );
  return results;
}
