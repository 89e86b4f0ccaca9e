import { DataFinding } from '@internal/plugin-data-ownership-common';
import { DeclaredTopic } from '../declared';
import { KafkaSnapshot, LiveTopic } from './KafkaIntrospector';
import { formatRetention, parseRetention } from './retention';

/**
 * The findings the provider writes on topic entities, from comparing the
 * declarations with the cluster. The rules processor keeps them and adds
 * its own (consumer groups, which need the catalog's components).
 */
export const PROVIDER_KAFKA_RULES: ReadonlySet<DataFinding['rule']> = new Set([
  'undeclared-topic',
  'missing-topic',
  'retention-mismatch',
  'partitions-mismatch',
] as const);

/** What the provider knows of the cluster on one run. */
export type KafkaView = {
  cluster: string;
  /** The cluster's Resource, which undeclared topics depend on. */
  resource?: string;
  /** The last snapshot read (this run's, or an earlier one while the cluster is down). */
  snapshot?: KafkaSnapshot;
  /** Why this run could not read the cluster. */
  error?: string;
};

/** What a topic entity says of the cluster, beside its declaration. */
export type TopicLiveState = {
  cluster: string;
  readAt?: string;
  error?: string;
  topic?: LiveTopic;
  groups: string[];
  findings: DataFinding[];
};

/** The groups reading each topic, by topic name. */
export function groupsByTopic(snapshot: KafkaSnapshot): Map<string, string[]> {
  const byTopic = new Map<string, string[]>();
  for (const group of snapshot.groups) {
    for (const topic of group.topics) {
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), group.groupId]);
    }
  }
  for (const groups of byTopic.values()) groups.sort();
  return byTopic;
}

/** The cluster's view of a declared topic and what the declaration misses. */
export function declaredTopicState(
  declared: DeclaredTopic,
  view: KafkaView,
  groups: Map<string, string[]>,
): TopicLiveState {
  const { cluster, snapshot } = view;
  const state: TopicLiveState = {
    cluster,
    readAt: snapshot?.readAt,
    error: view.error,
    groups: [],
    findings: [],
  };
  if (!snapshot) return state;
  const live = snapshot.topics.find(t => t.name === declared.name);
  if (!live) {
    state.findings.push({
      rule: 'missing-topic',
      level: 'error',
      message: `${declared.name} is declared but Kafka cluster ${cluster} has no such topic: create it, or remove the declaration`,
    });
    return state;
  }
  state.topic = live;
  state.groups = groups.get(live.name) ?? [];
  const declaredMs = parseRetention(declared.retention);
  if (
    declaredMs !== undefined &&
    live.retentionMs !== null &&
    declaredMs !== live.retentionMs
  ) {
    state.findings.push({
      rule: 'retention-mismatch',
      level: 'warning',
      message: `${declared.name} keeps messages ${formatRetention(
        live.retentionMs,
      )} (retention.ms ${
        live.retentionMs
      }) in Kafka cluster ${cluster}, but is declared with ${declared.retention!.trim()}`,
    });
  }
  if (
    declared.partitions !== undefined &&
    declared.partitions !== live.partitions
  ) {
    state.findings.push({
      rule: 'partitions-mismatch',
      level: 'warning',
      message: `${declared.name} has ${live.partitions} partition${
        live.partitions === 1 ? '' : 's'
      } in Kafka cluster ${cluster}, but is declared with ${
        declared.partitions
      }`,
    });
  }
  return state;
}

/** The cluster's view of a topic no spec declares. */
export function undeclaredTopicState(
  topic: LiveTopic,
  view: KafkaView,
  groups: Map<string, string[]>,
): TopicLiveState {
  return {
    cluster: view.cluster,
    readAt: view.snapshot?.readAt,
    error: view.error,
    topic,
    groups: groups.get(topic.name) ?? [],
    findings: [
      {
        rule: 'undeclared-topic',
        level: 'warning',
        message: `${topic.name} exists in Kafka cluster ${view.cluster} but no spec declares it: declare it (producer, consumers, retention) in catalog/data/topics.yaml or in its producer's catalog-info.yaml, or delete it`,
      },
    ],
  };
}
