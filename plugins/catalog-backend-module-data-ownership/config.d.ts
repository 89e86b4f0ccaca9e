import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /**
   * Data ownership in the catalog (plugins/catalog-backend-module-data-ownership):
   * PostgreSQL tables and Kafka topics as Resource entities tied to the
   * services that own them.
   */
  dataOwnership?: {
    /**
     * Owner of what no service claims (unowned tables, topics whose producer
     * is unknown): the custodian of the platform's data. Default
     * group:default/platform-team.
     */
    defaultOwner?: string;
    /** System of the emitted entities, e.g. system:default/local-plus. */
    system?: string;
    /**
     * Declared specs, read on every run. Paths are relative to the backend's
     * working directory, like file catalog locations.
     */
    declared?: {
      /** Table specs (owner, database, description), used when no live database covers them. */
      tables?: string[];
      /** Topic specs: producer, consumers, partitions, retention, schema. */
      topics?: string[];
    };
    /** When the provider runs (default every 10 minutes, 5 minutes timeout). */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    /**
     * How long the rules processor keeps the list of components and their
     * owners before asking the catalog again (default 60 s).
     */
    lookupCacheSeconds?: number;
    /** PostgreSQL databases introspected live, with a read-only role. */
    databases?: Array<{
      /** A name for annotations and logs, e.g. aiven-postgresql. */
      name: string;
      /** The database Resource the tables depend on, e.g. resource:default/aiven-postgresql. */
      resource: string;
      connection: {
        host: string;
        port?: number | string;
        /** A role with USAGE on the schemas and SELECT on the tables; nothing more. */
        user: string;
        /** @visibility secret */
        password?: string;
        database: string;
        /** true, or node-postgres TLS options (Aiven: require). */
        ssl?:
          | boolean
          | {
              rejectUnauthorized?: boolean;
              /** @visibility secret */
              ca?: string;
            };
      };
      /** Schemas to read (default every schema but PostgreSQL's own). */
      schemas?: string[];
      /**
       * Owners from config, by `schema.table` or `schema.*`, as a component
       * name or reference. A claim that disagrees with the table's comment
       * makes the table conflicting.
       */
      owners?: { [table: string]: string };
      /** Prefix of entity names, when two databases hold the same schema.table. */
      namePrefix?: string;
      /** Session statement_timeout (default 30000 ms). */
      statementTimeoutMs?: number;
      /** Connection timeout (default 10000 ms). */
      connectTimeoutMs?: number;
      /** Rows sampled per table to find card numbers by value (default 5; 0 reads no row). */
      sampleRows?: number;
      /**
       * Sampled values of a column that must hold a card number (12 to 19
       * digits passing Luhn, anywhere in the value) for the column to be
       * flagged card-data (default 1; at most sampleRows).
       */
      minCardSamples?: number;
      /** Attempts within one run before the database counts as unreachable (default 3). */
      attempts?: number;
      /** Delay before the second attempt, doubled after each (default 2000 ms). */
      retryDelayMs?: number;
    }>;
    /**
     * The Kafka cluster whose topics are read live through its admin API
     * (kafkajs): topics, partition counts, retention.ms and the consumer
     * groups reading each topic, on the provider's schedule. Matched with
     * the declared topics, it reports a topic nobody declared, a declared
     * topic that does not exist, a retention or partition count that
     * differs from the declaration, and (with the rules processor) a
     * consumer group no component claims. Read only: the catalog's client
     * needs Describe on the cluster, its topics and its groups, nothing more.
     */
    kafka?: {
      /** Default false: topics come from the declared specs only. */
      enabled?: boolean;
      /** The cluster in messages and annotations, e.g. aiven-kafka (default kafka). */
      name?: string;
      /**
       * The cluster's Resource, e.g. resource:default/aiven-kafka. Declared
       * topics naming another cluster are not looked for in this one;
       * undeclared topics depend on it.
       */
      resource?: string;
      /**
       * Bootstrap brokers as host:port: a list, or one comma-separated
       * string (from the environment, e.g. ${KAFKA_BROKERS}). Required when
       * enabled.
       */
      brokers?: string[] | string;
      /** Client id the cluster sees (default backstage-data-ownership). */
      clientId?: string;
      /** Time to open a connection to a broker (default 3000 ms). */
      connectionTimeoutMs?: number;
      /** Time for one admin request (default 10000 ms). */
      requestTimeoutMs?: number;
      /** Attempts within one run before the cluster counts as unreachable (default 2). */
      attempts?: number;
      /** Delay before the second attempt, doubled after each (default 2000 ms). */
      retryDelayMs?: number;
      /** TLS (Aiven: true, with the project CA). */
      ssl?:
        | boolean
        | {
            rejectUnauthorized?: boolean;
            /** @visibility secret */
            ca?: string;
            /**
             * Client certificate (Aiven's access certificate), with its key.
             * @visibility secret
             */
            cert?: string;
            /** @visibility secret */
            key?: string;
          };
      /**
       * SASL (Aiven: scram-sha-512, the default, with a service user). Left
       * out when neither username nor password is set (unset environment
       * variables); one without the other stops the backend.
       */
      sasl?: {
        mechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
        username?: string;
        /** @visibility secret */
        password?: string;
      };
      /**
       * Topics never reported, as regular expressions (names starting with
       * __ are internal and never reported).
       */
      ignoreTopics?: string[];
      /** Consumer groups never reported, as regular expressions. */
      ignoreGroups?: string[];
    };
  };
}
