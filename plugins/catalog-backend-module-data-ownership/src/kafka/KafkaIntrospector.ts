import { LoggerService } from '@backstage/backend-plugin-api';
import {
  DependencyError,
  describeCause,
  isDependencyError,
} from '@internal/backend-helpers';
import {
  Admin,
  AssignerProtocol,
  ConfigResourceTypes,
  Kafka,
  KafkaConfig as KafkaJsConfig,
  logLevel,
  SASLOptions,
} from 'kafkajs';
import { KafkaConfig } from '../config';

/** A topic as the cluster has it. */
export type LiveTopic = {
  name: string;
  partitions: number;
  /** retention.ms; -1 keeps messages forever; null when the broker did not say. */
  retentionMs: number | null;
};

/** A consumer group and the topics it reads (committed offsets, or partitions assigned to its members). */
export type LiveGroup = {
  groupId: string;
  state: string;
  topics: string[];
};

export type KafkaSnapshot = {
  /** `dataOwnership.kafka.name`. */
  cluster: string;
  readAt: string;
  topics: LiveTopic[];
  groups: LiveGroup[];
};

/** Where the provider gets the cluster's topics and groups from (tests swap it). */
export interface KafkaSource {
  read(): Promise<KafkaSnapshot>;
  close(): Promise<void>;
}

/** Internal topics (__consumer_offsets, __transaction_state, …) are never reported. */
const isInternal = (topic: string) => topic.startsWith('__');

/** Describe requests are sent in slices, so a large cluster is not one huge request. */
const SLICE = 100;
const slices = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / SLICE) }, (_, i) =>
    items.slice(i * SLICE, (i + 1) * SLICE),
  );

/**
 * Reads a Kafka cluster through its admin API (kafkajs) with the catalog's
 * own client id: topics and their partition counts (metadata), retention.ms
 * (DescribeConfigs), consumer groups (ListGroups) and what each reads
 * (OffsetFetch, and DescribeGroups for members that have committed nothing
 * yet). Read only: nothing is created, changed or consumed. Each read opens
 * its own connection and closes it: reads are minutes apart, longer than a
 * broker keeps an idle connection.
 *
 * A cluster that cannot be reached fails fast (one connection attempt per
 * read, `connectionTimeoutMs`, `requestTimeoutMs`) with a DependencyError
 * that names it by its configured name; the driver's message goes to the
 * log only.
 */
export class KafkaIntrospector implements KafkaSource {
  private readonly kafka: Kafka;
  /** The connection of the read in progress, closed by close() too. */
  private admin?: Admin;

  constructor(
    private readonly config: KafkaConfig,
    private readonly logger: LoggerService,
  ) {
    const sasl: SASLOptions | undefined = config.sasl
      ? ({
          mechanism: config.sasl.mechanism,
          username: config.sasl.username,
          password: config.sasl.password,
        } as SASLOptions)
      : undefined;
    const options: KafkaJsConfig = {
      clientId: config.clientId,
      brokers: config.brokers,
      ssl: config.ssl,
      sasl,
      connectionTimeout: config.connectionTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // The provider retries on its own terms (attempts, retryDelayMs);
      // kafkajs' own retries would turn a refused connection into a wait.
      retry: { retries: 0 },
      logLevel: logLevel.WARN,
      logCreator: () => entry =>
        this.logger.debug(`kafkajs ${entry.namespace}: ${entry.log.message}`),
    };
    this.kafka = new Kafka(options);
  }

  private get dependency() {
    return `Kafka cluster '${this.config.name}'`;
  }

  async read(): Promise<KafkaSnapshot> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    this.admin = admin;
    try {
      await admin.connect();
      const readAt = new Date().toISOString();
      const names = (await admin.listTopics()).filter(
        name =>
          !isInternal(name) &&
          !this.config.ignoreTopics.some(p => p.test(name)),
      );
      const topics = await this.topics(admin, names);
      const groups = await this.groups(admin, new Set(names));
      return { cluster: this.config.name, readAt, topics, groups };
    } catch (error) {
      if (isDependencyError(error)) throw error;
      const problem = describeCause(error, this.config.requestTimeoutMs);
      throw new DependencyError({
        dependency: this.dependency,
        problem,
        hint:
          problem === "refused the portal's credentials"
            ? 'check dataOwnership.kafka.sasl'
            : 'check dataOwnership.kafka.brokers',
        detail: `${this.config.brokers.join(',')}: ${error}`,
      });
    } finally {
      if (this.admin === admin) this.admin = undefined;
      await admin.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async topics(admin: Admin, names: string[]): Promise<LiveTopic[]> {
    const result: LiveTopic[] = [];
    for (const slice of slices(names)) {
      const [metadata, configs] = await Promise.all([
        admin.fetchTopicMetadata({ topics: slice }),
        admin.describeConfigs({
          includeSynonyms: false,
          resources: slice.map(name => ({
            type: ConfigResourceTypes.TOPIC,
            name,
            configNames: ['retention.ms'],
          })),
        }),
      ]);
      const retention = new Map(
        configs.resources.map(r => {
          const value = r.configEntries.find(
            e => e.configName === 'retention.ms',
          )?.configValue;
          const ms =
            value === undefined || value === null ? NaN : Number(value);
          return [r.resourceName, Number.isFinite(ms) ? ms : null] as const;
        }),
      );
      for (const t of metadata.topics) {
        result.push({
          name: t.name,
          partitions: t.partitions.length,
          retentionMs: retention.get(t.name) ?? null,
        });
      }
    }
    return result.sort((a, b) => a.name.localeCompare(b.name));
  }

  private async groups(
    admin: Admin,
    topics: Set<string>,
  ): Promise<LiveGroup[]> {
    const listed = (await admin.listGroups()).groups.filter(
      g =>
        (g.protocolType === 'consumer' || g.protocolType === '') &&
        !this.config.ignoreGroups.some(p => p.test(g.groupId)),
    );
    const result: LiveGroup[] = [];
    for (const slice of slices(listed)) {
      const described = await admin.describeGroups(slice.map(g => g.groupId));
      const offsets = await Promise.all(
        described.groups.map(g => admin.fetchOffsets({ groupId: g.groupId })),
      );
      described.groups.forEach((group, index) => {
        const read = new Set<string>();
        for (const member of group.members) {
          // Members of a classic consumer group carry their assignment.
          try {
            const assignment = AssignerProtocol.MemberAssignment.decode(
              member.memberAssignment,
            );
            for (const topic of Object.keys(assignment?.assignment ?? {})) {
              read.add(topic);
            }
          } catch {
            // Not the consumer protocol: nothing to learn from it.
          }
        }
        for (const o of offsets[index]) {
          if (o.partitions.some(p => Number(p.offset) >= 0)) read.add(o.topic);
        }
        result.push({
          groupId: group.groupId,
          state: group.state,
          topics: [...read].filter(t => topics.has(t)).sort(),
        });
      });
    }
    return result.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }
}
