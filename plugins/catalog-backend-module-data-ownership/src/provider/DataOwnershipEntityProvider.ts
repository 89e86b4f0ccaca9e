import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { isDependencyError } from '@internal/backend-helpers';
import path from 'node:path';
import { DatabaseConfig, DataOwnershipConfig } from '../config';
import {
  DeclaredTable,
  DeclaredTopic,
  readDeclaredTables,
  readDeclaredTopics,
} from '../declared';
import {
  kafkaLocation,
  tableEntity,
  topicEntity,
  undeclaredTopicEntity,
} from '../entities';
import {
  KafkaIntrospector,
  KafkaSnapshot,
  KafkaSource,
} from '../kafka/KafkaIntrospector';
import {
  declaredTopicState,
  groupsByTopic,
  KafkaView,
  undeclaredTopicState,
} from '../kafka/match';
import { serviceRefreshKey } from '../lib/refs';
import { tableEntityName } from '../lib/names';
import {
  Claim,
  decideOwnership,
  serviceFromMapping,
  servicesFromComment,
} from '../lib/ownership';
import {
  LiveTable,
  PostgresIntrospector,
  TableSource,
} from '../postgres/PostgresIntrospector';

export const PROVIDER_NAME = 'DataOwnershipEntityProvider';

export type RefreshResult = {
  /** Whether a mutation was applied (false: the catalog keeps what it has). */
  applied: boolean;
  entities: Entity[];
  /** Databases that could not be read on this run. */
  unreachable: string[];
  /** Of those, the ones whose last known tables were used instead. */
  stale: string[];
  /**
   * The Kafka cluster, when topics are read live: whether this run read it,
   * whether an earlier snapshot stood in, and the error that people see.
   */
  kafka?: { read: boolean; stale: boolean; error?: string };
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * Tables and topics as catalog Resources: tables read live from the
 * configured PostgreSQL databases (or, where no live database covers them,
 * from the declared table specs), topics from the declared topic specs,
 * matched with the Kafka cluster when it is read live (`dataOwnership.kafka`):
 * each declared topic carries what the cluster says of it (partitions,
 * retention.ms, the consumer groups reading it) and what its declaration
 * misses; a topic no spec declares becomes an `undeclared.<topic>` entity.
 *
 * A Kafka cluster that cannot be read does not hold anything up: the
 * declared topics are emitted with the error, beside the last snapshot read
 * in this process if there is one, and the next run tries again.
 *
 * A database that cannot be read is retried within the run, then on the
 * schedule. Meanwhile the catalog keeps the last known entities: the last
 * tables read in this process stand in for it, and when there are none (the
 * backend restarted while the database was down) no mutation is applied at
 * all, rather than one that would delete its tables from the catalog.
 */
export class DataOwnershipEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly lastKnown = new Map<string, LiveTable[]>();
  private readonly sources: Map<string, TableSource>;
  private readonly kafka?: KafkaSource;
  private lastKafka?: KafkaSnapshot;
  private lastDeclaredElsewhere = new Set<string>();

  constructor(
    private readonly options: {
      config: DataOwnershipConfig;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
      /** Where a database's tables come from (tests and the benchmark swap it). */
      sourceFor?: (db: DatabaseConfig) => TableSource;
      /** Where the Kafka cluster's topics come from (default: its admin API). */
      kafkaSource?: KafkaSource;
      /**
       * The topics that catalog entities of other origins declare (a
       * service's own catalog-info.yaml): not reported as undeclared.
       */
      kafkaTopicsDeclaredElsewhere?: () => Promise<string[]>;
    },
  ) {
    const sourceFor =
      options.sourceFor ??
      ((db: DatabaseConfig) =>
        new PostgresIntrospector(
          db,
          options.logger.child({ database: db.name }),
        ));
    this.sources = new Map(
      options.config.databases.map(db => [db.name, sourceFor(db)]),
    );
    const { kafka } = options.config;
    if (kafka.enabled) {
      this.kafka =
        options.kafkaSource ??
        new KafkaIntrospector(
          kafka,
          options.logger.child({ kafkaCluster: kafka.name }),
        );
    }
  }

  /** Whether a catalog location is one of the locations of the entities this provider emits. */
  isOwnLocation(ref: string): boolean {
    const { config } = this.options;
    if (ref === kafkaLocation(config.kafka.name)) return true;
    return (
      ref.startsWith('file:') &&
      [...config.declared.topics, ...config.declared.tables].some(
        f => path.resolve(f) === ref.slice('file:'.length),
      )
    );
  }

  getProviderName(): string {
    return PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.options.taskRunner.run({
      id: `${PROVIDER_NAME}:refresh`,
      fn: async () => {
        try {
          await this.refresh();
        } catch (error) {
          // A broken spec file: say which, keep the catalog as it is.
          this.options.logger.error(
            `Data ownership refresh failed, catalog left unchanged: ${error}`,
          );
        }
      },
    });
  }

  /**
   * Has the tables and topics of a service processed again, so that they
   * take its owner now rather than at the next processing cycle.
   */
  async refreshService(serviceRef: string): Promise<void> {
    await this.connection?.refresh({ keys: [serviceRefreshKey(serviceRef)] });
  }

  /** One run: read everything, then apply a full mutation if it is complete. */
  async refresh(): Promise<RefreshResult> {
    const { config, logger } = this.options;
    if (!this.connection) {
      throw new Error(`${PROVIDER_NAME} is not connected to the catalog`);
    }
    const started = Date.now();
    const [declaredTables, declaredTopics] = await Promise.all([
      readDeclaredTables(config.declared.tables),
      readDeclaredTopics(config.declared.topics),
    ]);

    // The cluster is read while the databases are, not after them.
    const reading = this.readKafka();
    const live = new Map<string, LiveTable[]>();
    const unreachable: string[] = [];
    const stale: string[] = [];
    for (const db of config.databases) {
      try {
        const tables = await this.readWithRetry(db);
        this.lastKnown.set(db.name, tables);
        live.set(db.name, tables);
      } catch (error) {
        unreachable.push(db.name);
        const previous = this.lastKnown.get(db.name);
        if (previous) {
          stale.push(db.name);
          live.set(db.name, previous);
          logger.warn(
            `Database ${db.name} unreachable after ${db.attempts} attempts (${error}); keeping its ${previous.length} last known tables, next try on schedule`,
          );
        } else {
          logger.error(
            `Database ${db.name} unreachable after ${db.attempts} attempts (${error}); no table of it known yet, so no change is applied to the catalog; next try on schedule`,
          );
        }
      }
    }
    const kafka = await reading;
    if (unreachable.length > stale.length) {
      return {
        applied: false,
        entities: [],
        unreachable,
        stale,
        kafka: kafka.kafka,
      };
    }

    const entities = this.buildEntities(
      declaredTables,
      declaredTopics,
      live,
      kafka.view,
    );
    await this.connection.applyMutation({
      type: 'full',
      entities: entities.map(entity => ({
        entity,
        locationKey: PROVIDER_NAME,
      })),
    });
    const liveTopics = kafka.view?.snapshot
      ? `, ${kafka.view.snapshot.topics.length} topics read from Kafka cluster ${kafka.view.cluster}`
      : '';
    logger.info(
      `Applied ${entities.length} data entities (${[...live.values()].reduce(
        (n, t) => n + t.length,
        0,
      )} live tables from ${live.size} databases, ${
        declaredTopics.length
      } declared topics${liveTopics}) in ${Date.now() - started} ms`,
    );
    return { applied: true, entities, unreachable, stale, kafka: kafka.kafka };
  }

  /**
   * The Kafka cluster on this run: read (with retries), or the last snapshot
   * read in this process while it cannot be, or nothing but the error.
   */
  private async readKafka(): Promise<{
    view?: KafkaView;
    kafka?: RefreshResult['kafka'];
  }> {
    const { config, logger } = this.options;
    if (!this.kafka) return {};
    const { name, resource, attempts, retryDelayMs } = config.kafka;
    let delay = retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        this.lastKafka = await this.kafka.read();
        break;
      } catch (error) {
        const message = isDependencyError(error)
          ? error.message
          : `Kafka cluster '${name}' could not be read`;
        const detail = isDependencyError(error) ? error.detail : String(error);
        if (attempt < attempts) {
          logger.warn(
            `${message} (attempt ${attempt} of ${attempts}; ${detail})`,
          );
          await sleep(delay);
          delay *= 2;
          continue;
        }
        const view: KafkaView = {
          cluster: name,
          resource,
          snapshot: this.lastKafka,
          error: message,
        };
        if (this.lastKafka) {
          logger.warn(
            `${message} after ${attempts} attempts (${detail}); keeping its last known topics, read at ${this.lastKafka.readAt}; next try on schedule`,
          );
        } else {
          logger.error(
            `${message} after ${attempts} attempts (${detail}); the declared topics are emitted without what the cluster says of them; next try on schedule`,
          );
        }
        return {
          view,
          kafka: {
            read: false,
            stale: Boolean(this.lastKafka),
            error: message,
          },
        };
      }
    }
    await this.readDeclaredElsewhere();
    return {
      view: { cluster: name, resource, snapshot: this.lastKafka },
      kafka: { read: true, stale: false },
    };
  }

  /** The topics declared by catalog entities of other origins; the last answer when the catalog cannot be asked. */
  private async readDeclaredElsewhere(): Promise<void> {
    const ask = this.options.kafkaTopicsDeclaredElsewhere;
    if (!ask) return;
    try {
      this.lastDeclaredElsewhere = new Set(await ask());
    } catch (error) {
      this.options.logger.warn(
        `Could not ask the catalog which topics services declare themselves (${error}); using the last answer`,
      );
    }
  }

  private async readWithRetry(db: DatabaseConfig): Promise<LiveTable[]> {
    const source = this.sources.get(db.name)!;
    let delay = db.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await source.introspect();
      } catch (error) {
        if (attempt >= db.attempts) throw error;
        this.options.logger.warn(
          `Reading database ${db.name} failed (attempt ${attempt} of ${db.attempts}): ${error}`,
        );
        await sleep(delay);
        delay *= 2;
      }
    }
  }

  /** Pure: the entities for what was read. Exposed for tests and the benchmark. */
  buildEntities(
    declaredTables: DeclaredTable[],
    declaredTopics: DeclaredTopic[],
    live: Map<string, LiveTable[]>,
    kafka?: KafkaView,
  ): Entity[] {
    const { config, logger } = this.options;
    const defaults = {
      defaultOwner: config.defaultOwner,
      system: config.system,
    };
    const entities: Entity[] = [];
    const origins = new Map<string, string>();
    const add = (entity: Entity, origin: string) => {
      const key = entity.metadata.name.toLocaleLowerCase('en-US');
      const first = origins.get(key);
      if (first) {
        logger.warn(
          `Entity name ${entity.metadata.name} of ${origin} is already used by ${first}; skipped (set dataOwnership.databases[].namePrefix)`,
        );
        return;
      }
      origins.set(key, origin);
      entities.push(entity);
    };

    // Declared tables of a database read live are matched against it.
    const liveResources = new Set(config.databases.map(d => d.resource));
    const declaredLive = new Map<string, DeclaredTable>();
    const matched = new Set<DeclaredTable>();
    const tableKey = (resource: string, schema: string, table: string) =>
      `${resource}|${schema}.${table}`.toLocaleLowerCase('en-US');
    for (const d of declaredTables) {
      if (d.database && liveResources.has(d.database)) {
        declaredLive.set(tableKey(d.database, d.schema, d.table), d);
      }
    }

    for (const db of config.databases) {
      for (const t of live.get(db.name) ?? []) {
        const declared = declaredLive.get(
          tableKey(db.resource, t.schema, t.table),
        );
        if (declared) matched.add(declared);
        const claims: Claim[] = servicesFromComment(t.comment).map(service => ({
          service,
          source: 'comment',
        }));
        const mapped = serviceFromMapping(db.owners, t.schema, t.table);
        if (mapped) claims.push({ service: mapped, source: 'config' });
        add(
          tableEntity(
            {
              name: tableEntityName(t.schema, t.table, db.namePrefix),
              schema: t.schema,
              table: t.table,
              ownership: decideOwnership(claims, declared?.owner),
              databaseResource: db.resource,
              declared,
              live: {
                database: db.name,
                comment: t.comment,
                rowEstimate: t.rowEstimate,
                totalBytes: t.totalBytes,
                columns: t.columns,
                sampling: t.sampling,
              },
              locationRef: `data-ownership:postgresql/${db.name}`,
            },
            defaults,
          ),
          `${db.name}:${t.schema}.${t.table}`,
        );
      }
    }

    const missing: string[] = [];
    for (const d of declaredTables) {
      if (d.database && liveResources.has(d.database)) {
        // The live database is the truth; a declared table it lacks is gone.
        if (!matched.has(d)) missing.push(`${d.schema}.${d.table}`);
        continue;
      }
      add(
        tableEntity(
          {
            name: tableEntityName(d.schema, d.table),
            schema: d.schema,
            table: d.table,
            ownership: decideOwnership([], d.owner),
            databaseResource: d.database,
            declared: d,
            locationRef: `file:${d.file}`,
          },
          defaults,
        ),
        d.file,
      );
    }
    if (missing.length > 0) {
      logger.info(
        `Declared tables not found in their live database, not emitted: ${missing.join(
          ', ',
        )}`,
      );
    }

    // Topics declared for another cluster than the one read are not looked for.
    const inCluster = (topic: DeclaredTopic) =>
      !kafka?.resource || !topic.cluster || topic.cluster === kafka.resource;
    const groups = kafka?.snapshot
      ? groupsByTopic(kafka.snapshot)
      : new Map<string, string[]>();
    for (const topic of declaredTopics) {
      const state =
        kafka && inCluster(topic)
          ? declaredTopicState(topic, kafka, groups)
          : undefined;
      add(topicEntity(topic, defaults, state), topic.files.join(', '));
    }
    if (kafka?.snapshot) {
      const declared = new Set([
        ...declaredTopics.filter(inCluster).map(t => t.name),
        ...this.lastDeclaredElsewhere,
      ]);
      for (const topic of kafka.snapshot.topics) {
        if (declared.has(topic.name)) continue;
        add(
          undeclaredTopicEntity(
            { ...undeclaredTopicState(topic, kafka, groups), topic },
            { ...defaults, clusterResource: kafka.resource },
          ),
          `Kafka cluster ${kafka.cluster}`,
        );
      }
    }
    return entities;
  }
}
