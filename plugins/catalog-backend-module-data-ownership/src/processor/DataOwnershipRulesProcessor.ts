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
        result = await this.topic(entity);
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

    const annotations = { ...entity.metadata.annotations };
    if (result.findings.length > 0) {
      annotations[ANNOTATION_DATA_FINDINGS] = JSON.stringify(result.findings);
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
          .join(' and ')}: one table, one owner (seed VIII.3)`,
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
          .join(', ')}): a topic has one producer (seed VIII.4)`,
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
    return { owner, findings };
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
    for (const table of await this.lookup.entities(resources)) {
      if (table.spec?.type !== DATABASE_TABLE_TYPE) continue;
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
          .join(
            ' and ',
          )}: across services use gRPC or events, never a JOIN (seed VIII.3)`,
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
