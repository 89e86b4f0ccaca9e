/**
 * Names shared by the data-ownership catalog module (which writes them) and
 * the data-ownership frontend (which reads them). All custom keys live under
 * `local-plus.io/`, like the rest of the Local-Plus catalog.
 */

/** `spec.type` of the Resource entities this plugin emits. */
export const DATABASE_TABLE_TYPE = 'database-table';
export const KAFKA_TOPIC_TYPE = 'kafka-topic';

/** Annotations on table, topic and component entities. */
export const ANNOTATION_POSTGRES_TABLE = 'local-plus.io/postgres-table';
/** The configured database (`dataOwnership.databases[].name`) a live table was read from. */
export const ANNOTATION_POSTGRES_DATABASE = 'local-plus.io/postgres-database';
/**
 * The services that claim a table, as full component references separated
 * by commas. One reference: owned. Two or more: conflicting. None: unowned.
 */
export const ANNOTATION_OWNING_SERVICE = 'local-plus.io/owning-service';
/** Where each claim came from, e.g. `comment:svc-ledger,config:svc-wallet`. */
export const ANNOTATION_OWNERSHIP_SOURCE = 'local-plus.io/ownership-source';
export const ANNOTATION_ACCESS_PATTERN = 'local-plus.io/access-pattern';
/** pg_class.reltuples at the last introspection (an estimate). */
export const ANNOTATION_ROW_ESTIMATE = 'local-plus.io/row-estimate';
/** pg_total_relation_size (table, indexes and TOAST) in bytes. */
export const ANNOTATION_TOTAL_BYTES = 'local-plus.io/total-bytes';
/** `live` when read from the database, `declared` when from a spec file. */
export const ANNOTATION_DATA_SOURCE = 'local-plus.io/data-source';
/** Whether values were sampled to look for card numbers, and if not why. */
export const ANNOTATION_CARD_SAMPLING = 'local-plus.io/card-data-sampling';
export const ANNOTATION_KAFKA_TOPIC = 'local-plus.io/kafka-topic';
export const ANNOTATION_KAFKA_RETENTION = 'local-plus.io/kafka-retention';
export const ANNOTATION_KAFKA_PRODUCER_PATTERN =
  'local-plus.io/kafka-producer-pattern';
/**
 * What the Kafka cluster itself says of a topic, read through the admin API
 * by the data-ownership provider (`dataOwnership.kafka`): the partition
 * count, `retention.ms` (-1: kept forever), the consumer groups that read it
 * (committed offsets or assigned partitions, comma-separated), the name of
 * the configured cluster and when it was read. Absent when the cluster was
 * never read; `kafka-live-error` says why when the last read failed.
 */
export const ANNOTATION_KAFKA_LIVE_PARTITIONS =
  'local-plus.io/kafka-live-partitions';
export const ANNOTATION_KAFKA_LIVE_RETENTION_MS =
  'local-plus.io/kafka-live-retention-ms';
export const ANNOTATION_KAFKA_LIVE_CONSUMER_GROUPS =
  'local-plus.io/kafka-live-consumer-groups';
export const ANNOTATION_KAFKA_LIVE_CLUSTER = 'local-plus.io/kafka-live-cluster';
export const ANNOTATION_KAFKA_LIVE_READ_AT = 'local-plus.io/kafka-live-read-at';
export const ANNOTATION_KAFKA_LIVE_ERROR = 'local-plus.io/kafka-live-error';
/**
 * On a component: the Kafka consumer groups it runs, comma-separated, when
 * their ids are not simply the component's name (a group named after a
 * component is claimed by it without this annotation).
 */
export const ANNOTATION_KAFKA_CONSUMER_GROUPS =
  'local-plus.io/kafka-consumer-groups';
/** JSON array of {@link DataFinding}, written by the rules processor. */
export const ANNOTATION_DATA_FINDINGS = 'local-plus.io/data-findings';

/** Labels, so that the catalog API can filter on them. */
export const LABEL_DATA_OWNERSHIP = 'local-plus.io/data-ownership';
export const LABEL_PERSONAL_DATA = 'local-plus.io/personal-data';
export const LABEL_CARD_DATA = 'local-plus.io/card-data';

/** Ownership state of a table (value of {@link LABEL_DATA_OWNERSHIP}). */
export const OWNERSHIP_STATES = ['owned', 'unowned', 'conflict'] as const;
export type OwnershipState = (typeof OWNERSHIP_STATES)[number];

/** Custom relations, emitted in both directions by the rules processor. */
export const RELATION_OWNS_TABLE = 'ownsTable';
export const RELATION_TABLE_OWNED_BY = 'tableOwnedBy';
export const RELATION_PRODUCES_TOPIC = 'producesTopic';
export const RELATION_PRODUCED_BY = 'producedBy';
export const RELATION_CONSUMES_TOPIC = 'consumesTopic';
export const RELATION_CONSUMED_BY = 'consumedBy';

/** `status.items[].type` of the items this plugin adds to entities. */
export const STATUS_TYPE_DATA_OWNERSHIP = 'local-plus.io/data-ownership';

/** Column flags. */
export const COLUMN_FLAGS = ['personal-data', 'card-data'] as const;
export type ColumnFlag = (typeof COLUMN_FLAGS)[number];

/** What the rules processor and the provider report. */
export const FINDING_RULES = [
  /** A table nobody claims (seed VIII.3: one table, one owner). */
  'unowned-table',
  /** A table two services claim. */
  'conflicting-owners',
  /** A component depends on a table another service owns (no cross-service JOIN). */
  'cross-service-table',
  /** A topic with more than one producer (seed VIII.4: one producer). */
  'multiple-producers',
  /** An owner or producer names a component the catalog does not have. */
  'unknown-service',
  /** A topic the Kafka cluster has and no spec declares. */
  'undeclared-topic',
  /** A declared topic the Kafka cluster does not have. */
  'missing-topic',
  /** A topic whose retention.ms in the cluster differs from its declared retention. */
  'retention-mismatch',
  /** A topic whose partition count in the cluster differs from the declared one. */
  'partitions-mismatch',
  /** A consumer group reading a topic that no catalog component claims. */
  'unclaimed-consumer-group',
  /** A component whose consumer group reads a topic that does not declare it as a consumer. */
  'undeclared-consumer',
] as const;
export type FindingRule = (typeof FINDING_RULES)[number];
