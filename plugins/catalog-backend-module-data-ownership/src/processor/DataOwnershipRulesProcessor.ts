import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Entity,
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorCache,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_DATA_FINDINGS,
  ANNOTATION_KAFKA_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_LIVE_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_POSTGRES_TABLE,
  DATABASE_TABLE_TYPE,
  DataFinding,
  KAFKA_TOPIC_TYPE,
  LABEL_DATA_OWNERSHIP,
  readFindings,
  readOwnershipState,
  readOwningServices,
  readTopicSpec,
  RELATION_CONSUMED_BY,
  RELATION_CONSUMES_TOPIC,
  RELATION_OWNS_TABLE,
  RELATION_PRODUCED_BY,
  RELATION_PRODUCES_TOPIC,
  RELATION_TABLE_OWNED_BY,
  STATUS_TYPE_DATA_OWNERSHIP,
} from '@internal/plugin-data-ownership-common';
import { PROVIDER_KAFKA_RULES } from '../kafka/match';
import { serviceRefreshKey, toEntityRef } from '../lib/refs';
import { CatalogLookup, UNKNOWN } from './CatalogLookup';

const isResourceOfType = (entity: Entity, type: string) =>
  entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
  entity.spec?.type === type;

const nameOf = (ref: string) => parseEntityRef(ref).name;

/** The owning services of a table as full references, however they were written. */
const owningServices = (entity: Entity) =>
  readOwningServices(entity).flatMap(s => toEntityRef(s, 'component') ?? []);

type Cached = { owner?: string; findings?: DataFinding[] };

/**
 * The data-ownership rules, run on every entity the catalog processes:
 *
 * - a table's or topic's owner becomes the owner of the service that owns
 *   the table or produces the topic (the provider cannot know it);
 * - unowned and conflicting tables, a component that depends on another
 *   service's table (seed VIII.3: no cross-service JOIN), a topic with more
 *   than one producer (VIII.4) and owners or producers the catalog does not
 *   know are written as findings: an annotation the frontend reads, and
 *   status items on the entity;
 * - the consumer groups the provider found reading a topic in the Kafka
 *   cluster must each be claimed by a component (named like the group, or
 *   listing it in its `local-plus.io/kafka-consumer-groups` annotation), and
 *   that component must be a declared consumer of the topic; the findings
 *   the provider wrote (undeclared or missing topic, retention or partitions
 *   that differ from the declaration) are kept beside these;
 * - tables are related to their owning services, and topics to their
 *   producers and consumers, both ways.
 *
 * When the catalog cannot be asked, the owner and findings of the previous
 * run are kept (processor cache) rather than replaced by guesses.
 */
export class DataOwnershipRulesProcessor implements CatalogProcessor {
  constructor(
    private readonly lookup: CatalogLookup,
    private readonly logger: LoggerService,
    /** Called with a component whose owner is news (see serviceRefreshKey). */
    private readonly onServiceOwner: (serviceRef: string) => void = () => {},
  ) {}

  getProcessorName(): string {
    return 'DataOwnershipRulesProcessor';
  }

  async preProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
    _originLocation: LocationSpec,
    cache: CatalogProcessorCache,
  ): Promise<Entity> {
    const previous = (await cache.get<Cached>('state')) ?? {};
    // What the provider found comparing the declarations with the cluster.
    const carried = readFindings(entity).filter(f =>
      PROVIDER_KAFKA_RULES.has(f.rule),
    );
    let result: { owner?: string; findings: DataFinding[] } | undefined;
    try {
      if (
        isResourceOfType(entity, DATABASE_TABLE_TYPE) &&
        (entity.metadata.labels?.[LABEL_DATA_OWNERSHIP] ||
          owningServices(entity).length > 0)
      ) {
        for (const s of owningServices(entity)) {
          emit(processingResult.refresh(serviceRefreshKey(s)));
        }
        result = await this.table(entity);
      } else if (isResourceOfType(entity, KAFKA_TOPIC_TYPE)) {
        // Consumers too: a topic processed before its consumer's component
        // was ingested says "unknown consumer" until that component appears.
        const { producers, consumers } = readTopicSpec(entity);
        for (const p of [...producers, ...consumers]) {
          const ref = toEntityRef(p, 'component');
          if (ref) emit(processingResult.refresh(serviceRefreshKey(ref)));
        }
        result = await this.topic(entity, carried);
      } else if (entity.kind.toLocaleLowerCase('en-US') === 'component') {
        result = await this.component(entity);
      } else {
        return entity;
      }
    } catch (error) {
      this.logger.warn(
        `Data ownership rules for ${stringifyEntityRef(
          entity,
        )} kept from the previous run: the catalog could not be asked (${error})`,
      );
      result = { owner: previous.owner, findings: previous.findings ?? [] };
    }
    await cache.set<Cached>('state', {
      owner: result.owner,
      findings: result.findings,
    });

    const findings = [...carried, ...result.findings];
    const annotations = { ...entity.metadata.annotations };
    if (findings.length > 0) {
      annotations[ANNOTATION_DATA_FINDINGS] = JSON.stringify(findings);
    } else {
      delete annotations[ANNOTATION_DATA_FINDINGS];
    }
    return {
      ...entity,
      metadata: { ...entity.metadata, annotations },
      spec: result.owner
        ? { ...entity.spec, owner: result.owner }
        : entity.spec,
    };
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    const self = getCompoundEntityRef(entity);
    const both = (other: string, forward: string, backward: string) => {
      const target = parseEntityRef(other);
      emit(processingResult.relation({ source: self, type: forward, target }));
      emit(
        processingResult.relation({
          source: target,
          type: backward,
          target: self,
        }),
      );
    };
    if (isResourceOfType(entity, DATABASE_TABLE_TYPE)) {
      for (const service of owningServices(entity)) {
        both(service, RELATION_TABLE_OWNED_BY, RELATION_OWNS_TABLE);
      }
    } else if (isResourceOfType(entity, KAFKA_TOPIC_TYPE)) {
      const spec = readTopicSpec(entity);
      for (const p of spec.producers) {
        const ref = toEntityRef(p, 'component');
        if (ref) both(ref, RELATION_PRODUCED_BY, RELATION_PRODUCES_TOPIC);
      }
      for (const c of spec.consumers) {
        const ref = toEntityRef(c, 'component');
        if (ref) both(ref, RELATION_CONSUMED_BY, RELATION_CONSUMES_TOPIC);
      }
    }

    // Status items are kept by the catalog's stitcher next to its own
    // processing errors; postProcessEntity runs after the schema check that
    // would refuse a root `status` field.
    const findings = readFindings(entity);
    if (findings.length === 0) return entity;
    return {
      ...entity,
      status: {
        ...(entity as { status?: object }).status,
        items: findings.map(f => ({
          type: STATUS_TYPE_DATA_OWNERSHIP,
          level: f.level,
          message: f.message,
        })),
      },
    } as Entity;
  }

  private async table(
    entity: Entity,
  ): Promise<{ owner?: string; findings: DataFinding[] }> {
    const table =
      entity.metadata.annotations?.[ANNOTATION_POSTGRES_TABLE] ??
      entity.metadata.name;
    const services = owningServices(entity);
    // Tables declared by hand elsewhere carry no label: count their claims.
    let state = readOwnershipState(entity);
    if (!state) {
      if (services.length === 0) state = 'unowned';
      else state = services.length === 1 ? 'owned' : 'conflict';
    }
    const findings: DataFinding[] = [];
    if (state === 'unowned') {
      findings.push({
        rule: 'unowned-table',
        level: 'warning',
        message: `No service owns ${table}: the owning service's migration should run COMMENT ON TABLE ${table} IS 'owned-by: <service>', or map it in dataOwnership.databases[].owners`,
      });
      return { findings };
    }
    if (state === 'conflict') {
      findings.push({
        rule: 'conflicting-owners',
        level: 'error',
        message: `${table} is claimed by ${services
          .map(nameOf)
          .join(' and ')}: one table, one owner`,
        refs: services,
      });
      return { findings };
    }
    const owner = await this.lookup.ownerOf(services[0]);
    if (owner === UNKNOWN) {
      findings.push(this.unknown(services[0], `owner of ${table}`));
      return { findings };
    }
    return { owner, findings };
  }

  private async topic(
    entity: Entity,
    carried: DataFinding[],
  ): Promise<{ owner?: string; findings: DataFinding[] }> {
    const spec = readTopicSpec(entity);
    const producers = spec.producers.flatMap(
      p => toEntityRef(p, 'component') ?? [],
    );
    const consumers = spec.consumers.flatMap(
      c => toEntityRef(c, 'component') ?? [],
    );
    const findings: DataFinding[] = [];
    if (producers.length > 1) {
      findings.push({
        rule: 'multiple-producers',
        level: 'error',
        message: `${entity.metadata.name} has ${
          producers.length
        } producers (${producers
          .map(nameOf)
          .join(', ')}): a topic has one producer`,
        refs: producers,
      });
    }
    let owner: string | undefined;
    for (const ref of [...producers, ...consumers]) {
      const found = await this.lookup.ownerOf(ref);
      if (found === UNKNOWN) {
        findings.push(
          this.unknown(ref, producers.includes(ref) ? 'producer' : 'consumer'),
        );
      } else if (producers.length === 1 && ref === producers[0]) {
        owner = found;
      }
    }
    findings.push(
      ...(await this.consumerGroups(entity, producers, consumers, carried)),
    );
    return { owner, findings };
  }

  /** The consumer groups reading a topic (read live by the provider), checked against the catalog. */
  private async consumerGroups(
    entity: Entity,
    producers: string[],
    consumers: string[],
    carried: DataFinding[],
  ): Promise<DataFinding[]> {
    const groups = (
      entity.metadata.annotations?.[ANNOTATION_KAFKA_LIVE_CONSUMER_GROUPS] ?? ''
    )
      .split(',')
      .map(g => g.trim())
      .filter(Boolean);
    const topic =
      entity.metadata.annotations?.[ANNOTATION_KAFKA_TOPIC] ??
      entity.metadata.name;
    // A topic nobody declared has no consumers to compare with.
    const declared = !carried.some(f => f.rule === 'undeclared-topic');
    const findings: DataFinding[] = [];
    const reported = new Set<string>();
    for (const group of groups) {
      const claimants = await this.lookup.claimantsOf(group);
      if (claimants.length === 0) {
        findings.push({
          rule: 'unclaimed-consumer-group',
          level: 'warning',
          message: `Consumer group ${group} reads ${topic}, but no catalog component claims it: name the group after its component, or list it in the component's ${ANNOTATION_KAFKA_CONSUMER_GROUPS} annotation`,
        });
        continue;
      }
      if (!declared) continue;
      for (const ref of claimants) {
        if (
          consumers.includes(ref) ||
          producers.includes(ref) ||
          reported.has(ref)
        ) {
          continue;
        }
        reported.add(ref);
        findings.push({
          rule: 'undeclared-consumer',
          level: 'warning',
          message: `${nameOf(
            ref,
          )} reads ${topic} (consumer group ${group}) but is not among its declared consumers`,
          refs: [ref],
        });
      }
    }
    return findings;
  }

  private async component(
    entity: Entity,
  ): Promise<{ owner?: string; findings: DataFinding[] }> {
    const self = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
    const owner =
      typeof entity.spec?.owner === 'string'
        ? toEntityRef(
            entity.spec.owner,
            'group',
            entity.metadata.namespace ?? 'default',
          )
        : undefined;
    if (owner && this.lookup.learn(self, owner)) {
      this.onServiceOwner(self);
    }
    const dependsOn = Array.isArray(entity.spec?.dependsOn)
      ? (entity.spec!.dependsOn as unknown[])
      : [];
    const resources = dependsOn.flatMap(d => {
      if (typeof d !== 'string') return [];
      const ref = toEntityRef(
        d,
        'resource',
        entity.metadata.namespace ?? 'default',
      );
      return ref?.startsWith('resource:') ? [ref] : [];
    });
    const findings: DataFinding[] = [];
    for (const table of await this.lookup.tables(resources)) {
      const owners = owningServices(table);
      if (owners.length === 0 || owners.includes(self)) continue;
      const name =
        table.metadata.annotations?.[ANNOTATION_POSTGRES_TABLE] ??
        table.metadata.name;
      findings.push({
        rule: 'cross-service-table',
        level: 'error',
        message: `${
          entity.metadata.name
        } depends on table ${name}, owned by ${owners
          .map(nameOf)
          .join(' and ')}: across services use gRPC or events, never a JOIN`,
        refs: [stringifyEntityRef(table).toLocaleLowerCase('en-US'), ...owners],
      });
    }
    return { findings };
  }

  private unknown(ref: string, role: string): DataFinding {
    return {
      rule: 'unknown-service',
      level: 'warning',
      message: `${ref} (${role}) is not a component of the catalog`,
      refs: [ref],
    };
  }
}
