import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  ANNOTATION_ACCESS_PATTERN,
  ANNOTATION_CARD_SAMPLING,
  ANNOTATION_DATA_FINDINGS,
  ANNOTATION_DATA_SOURCE,
  ANNOTATION_KAFKA_LIVE_CLUSTER,
  ANNOTATION_KAFKA_LIVE_CONSUMER_GROUPS,
  ANNOTATION_KAFKA_LIVE_ERROR,
  ANNOTATION_KAFKA_LIVE_PARTITIONS,
  ANNOTATION_KAFKA_LIVE_READ_AT,
  ANNOTATION_KAFKA_LIVE_RETENTION_MS,
  ANNOTATION_KAFKA_PRODUCER_PATTERN,
  ANNOTATION_KAFKA_RETENTION,
  ANNOTATION_KAFKA_TOPIC,
  ANNOTATION_OWNERSHIP_SOURCE,
  ANNOTATION_OWNING_SERVICE,
  ANNOTATION_POSTGRES_DATABASE,
  ANNOTATION_POSTGRES_TABLE,
  ANNOTATION_ROW_ESTIMATE,
  ANNOTATION_TOTAL_BYTES,
  DATABASE_TABLE_TYPE,
  KAFKA_TOPIC_TYPE,
  LABEL_CARD_DATA,
  LABEL_DATA_OWNERSHIP,
  LABEL_PERSONAL_DATA,
  TableColumn,
} from '@internal/plugin-data-ownership-common';
import { DeclaredTable, DeclaredTopic } from './declared';
import { TopicLiveState } from './kafka/match';
import { formatRetention } from './kafka/retention';
import { toEntityName } from './lib/names';
import { Ownership } from './lib/ownership';

export type EntityDefaults = {
  /** Owner until the rules processor finds the owning service's owner. */
  defaultOwner: string;
  system?: string;
};

/** A table comment without its `owned-by:` clause, as a description. */
export function describeComment(comment: string | null): string | undefined {
  const text = (comment ?? '').replace(/owned-by:[^\n;]*;?/gi, '').trim();
  return text || undefined;
}

function location(ref: string) {
  return { [ANNOTATION_LOCATION]: ref, [ANNOTATION_ORIGIN_LOCATION]: ref };
}

/** The object without its undefined values (entity fields are JSON). */
function compact<T>(o: Record<string, T | undefined>): Record<string, T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Record<string, T>;
}

export type TableInput = {
  name: string;
  schema: string;
  table: string;
  ownership: Ownership;
  /** The database Resource the table lives in. */
  databaseResource?: string;
  declared?: DeclaredTable;
  live?: {
    database: string;
    comment: string | null;
    rowEstimate: number | null;
    totalBytes: number;
    columns: TableColumn[];
    sampling: string;
  };
  locationRef: string;
};

/**
 * A table as a Resource of type database-table. spec.owner is a stand-in
 * (the default owner): the rules processor replaces it with the owning
 * service's owner, which only the catalog knows.
 */
export function tableEntity(
  input: TableInput,
  defaults: EntityDefaults,
): Entity {
  const { ownership, live, declared } = input;
  const columns = live?.columns ?? [];
  const labels: Record<string, string> = {
    [LABEL_DATA_OWNERSHIP]: ownership.state,
  };
  if (columns.some(c => c.flags.includes('personal-data'))) {
    labels[LABEL_PERSONAL_DATA] = 'true';
  }
  if (columns.some(c => c.flags.includes('card-data'))) {
    labels[LABEL_CARD_DATA] = 'true';
  }
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: input.name,
      ...compact({
        description:
          declared?.description ?? describeComment(live?.comment ?? null),
      }),
      tags: ['postgresql', 'table'],
      labels,
      annotations: compact({
        ...location(input.locationRef),
        [ANNOTATION_POSTGRES_TABLE]: `${input.schema}.${input.table}`,
        [ANNOTATION_POSTGRES_DATABASE]: live?.database,
        [ANNOTATION_OWNING_SERVICE]:
          ownership.services.length > 0
            ? ownership.services.join(',')
            : undefined,
        [ANNOTATION_OWNERSHIP_SOURCE]:
          ownership.claims.length > 0
            ? ownership.claims.map(c => `${c.source}:${c.service}`).join(',')
            : undefined,
        [ANNOTATION_ACCESS_PATTERN]: declared?.accessPattern,
        [ANNOTATION_ROW_ESTIMATE]:
          live && live.rowEstimate !== null
            ? String(live.rowEstimate)
            : undefined,
        [ANNOTATION_TOTAL_BYTES]: live ? String(live.totalBytes) : undefined,
        [ANNOTATION_CARD_SAMPLING]: live?.sampling,
        [ANNOTATION_DATA_SOURCE]: live ? 'live' : 'declared',
      }),
    },
    spec: compact<unknown>({
      type: DATABASE_TABLE_TYPE,
      owner: defaults.defaultOwner,
      system: defaults.system,
      dependsOn: input.databaseResource ? [input.databaseResource] : undefined,
      columns: live ? columns : undefined,
    }) as Entity['spec'],
  };
}

/** What the cluster says of a topic, as annotations (none when it was not looked for). */
function liveAnnotations(live?: TopicLiveState): Record<string, string> {
  if (!live) return {};
  return compact({
    [ANNOTATION_DATA_SOURCE]: live.topic ? 'live' : 'declared',
    [ANNOTATION_KAFKA_LIVE_CLUSTER]: live.cluster,
    [ANNOTATION_KAFKA_LIVE_READ_AT]: live.readAt,
    [ANNOTATION_KAFKA_LIVE_ERROR]: live.error,
    [ANNOTATION_KAFKA_LIVE_PARTITIONS]: live.topic
      ? String(live.topic.partitions)
      : undefined,
    [ANNOTATION_KAFKA_LIVE_RETENTION_MS]:
      live.topic && live.topic.retentionMs !== null
        ? String(live.topic.retentionMs)
        : undefined,
    [ANNOTATION_KAFKA_LIVE_CONSUMER_GROUPS]:
      live.groups.length > 0 ? live.groups.join(',') : undefined,
    // The rules processor keeps these and adds its own.
    [ANNOTATION_DATA_FINDINGS]:
      live.findings.length > 0 ? JSON.stringify(live.findings) : undefined,
  });
}

/**
 * A declared topic as a Resource of type kafka-topic; with what the cluster
 * says of it when it is read live (`live`). The spec stays the declaration.
 */
export function topicEntity(
  topic: DeclaredTopic,
  defaults: EntityDefaults,
  live?: TopicLiveState,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: toEntityName(topic.name),
      ...compact({ description: topic.description }),
      tags: ['kafka', 'topic'],
      annotations: compact({
        ...location(`file:${topic.files[0]}`),
        [ANNOTATION_KAFKA_TOPIC]: topic.name,
        [ANNOTATION_KAFKA_RETENTION]: topic.retention,
        [ANNOTATION_KAFKA_PRODUCER_PATTERN]: topic.producerPattern,
        [ANNOTATION_DATA_SOURCE]: 'declared',
        ...liveAnnotations(live),
      }),
    },
    spec: compact<unknown>({
      type: KAFKA_TOPIC_TYPE,
      owner: defaults.defaultOwner,
      system: defaults.system,
      dependsOn: topic.cluster ? [topic.cluster] : undefined,
      producers: topic.producers,
      consumers: topic.consumers,
      partitions: topic.partitions,
      retention: topic.retention,
      schema: topic.schema,
    }) as Entity['spec'],
  };
}

/** Where undeclared topics come from, as their location. */
export const kafkaLocation = (cluster: string) =>
  `data-ownership:kafka/${cluster}`;

/**
 * A topic the cluster has and no spec declares, so that it is seen: named
 * `undeclared.<topic>` (never the name its declaration will take, which a
 * service's own catalog-info.yaml may be about to claim), owned by the
 * default owner, with the finding that says so.
 */
export function undeclaredTopicEntity(
  live: TopicLiveState & { topic: NonNullable<TopicLiveState['topic']> },
  defaults: EntityDefaults & { clusterResource?: string },
): Entity {
  const { topic } = live;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: toEntityName(`undeclared.${topic.name}`),
      description: `Kafka topic ${topic.name}: found in Kafka cluster ${live.cluster}, declared nowhere.`,
      tags: ['kafka', 'topic', 'undeclared'],
      annotations: compact({
        ...location(kafkaLocation(live.cluster)),
        [ANNOTATION_KAFKA_TOPIC]: topic.name,
        ...liveAnnotations(live),
      }),
    },
    spec: compact<unknown>({
      type: KAFKA_TOPIC_TYPE,
      owner: defaults.defaultOwner,
      system: defaults.system,
      dependsOn: defaults.clusterResource
        ? [defaults.clusterResource]
        : undefined,
      producers: [],
      consumers: [],
      partitions: topic.partitions,
      retention:
        topic.retentionMs !== null
          ? formatRetention(topic.retentionMs)
          : undefined,
    }) as Entity['spec'],
  };
}
