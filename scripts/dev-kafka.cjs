#!/usr/bin/env node
/* Demo data for the dev services' Kafka broker (scripts/dev-services.sh,
 * make start), so that the data-ownership catalog reads topics live:
 *
 *   node scripts/dev-kafka.cjs [brokers]      default 127.0.0.1:54092
 *
 * - the topics of catalog/data/topics.yaml (seed part VIII.4), with their
 *   declared partitions (3 where none is declared) and retention, except
 *   merchant.onboarded.v1, kept 3 days where 7 are declared: the portal
 *   reports that retention;
 * - a few JSON events on each, keyed like the producers key them;
 * - one consumer group per declared consumer, named after its component
 *   (svc-notification, svc-analytics: claimed by name), with committed
 *   offsets behind the end of the topic;
 * - legacy-reporting, a group reading ledger.transactions.v1 that no
 *   component claims: the portal reports it.
 *
 * Read once at start; the broker starts empty every time. */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const root = path.resolve(__dirname, '..');
// kafkajs is the data-ownership module's dependency.
const { Kafka, logLevel } = require(
  require.resolve('kafkajs', {
    paths: [path.join(root, 'plugins/catalog-backend-module-data-ownership')],
  }),
);
const YAML = require('yaml');

const brokers = (process.argv[2] || '127.0.0.1:54092').split(',');
const DAY = 86_400_000;
/** Retentions that differ from the declaration on purpose. */
const KEPT_SHORTER = { 'merchant.onboarded.v1': 3 * DAY };
const UNCLAIMED = { groupId: 'legacy-reporting', topic: 'ledger.transactions.v1' };

function retentionMs(text) {
  const m = /^(\d+)\s*(ms|s|m|h|d|w)?$/.exec(String(text ?? '').trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: DAY, w: 7 * DAY }[m[2] ?? 'ms'];
  return Number(m[1]) * unit;
}

const componentName = ref => ref.replace(/^component:/, '').replace(/^[^/]*\//, '');

async function main() {
  const spec = YAML.parse(fs.readFileSync(path.join(root, 'catalog/data/topics.yaml'), 'utf8'));
  const topics = spec.topics.map(t => ({
    name: t.name,
    partitions: t.partitions ?? 3,
    retentionMs: KEPT_SHORTER[t.name] ?? retentionMs(t.retention),
    consumers: (t.consumers ?? []).map(componentName),
  }));

  const kafka = new Kafka({ brokers, clientId: 'dev-services', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await admin.connect();
  await producer.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map(t => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: 1,
        configEntries: t.retentionMs ? [{ name: 'retention.ms', value: String(t.retentionMs) }] : [],
      })),
    });

    // Ten events per topic over a few keys, as the producers send them.
    for (const t of topics) {
      const messages = Array.from({ length: 10 }, (_, i) => {
        const key = `demo-${t.name.split('.')[0]}-${i % 4}`;
        return {
          key,
          value: JSON.stringify({
            event_id: randomUUID(),
            event_type: t.name.replace(/\.v\d+$/, ''),
            occurred_at: new Date(Date.now() - (10 - i) * 60_000).toISOString(),
            key,
          }),
        };
      });
      await producer.send({ topic: t.name, acks: -1, messages });
    }

    // Consumers a little behind the end of each partition.
    const groups = new Map();
    for (const t of topics) {
      for (const c of t.consumers) groups.set(c, [...(groups.get(c) ?? []), t.name]);
    }
    groups.set(UNCLAIMED.groupId, [UNCLAIMED.topic]);
    for (const [groupId, names] of groups) {
      for (const topic of names) {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({
          groupId,
          topic,
          partitions: ends.map(p => ({
            partition: p.partition,
            offset: String(Math.max(0, Number(p.high) - 1)),
          })),
        });
      }
    }
    console.log(
      `dev-kafka: ${topics.length} topics (${topics.map(t => t.name).join(', ')}), consumer groups ${[
        ...groups.keys(),
      ].join(', ')} on ${brokers.join(',')}`,
    );
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

main().catch(error => {
  console.error(`dev-kafka: ${error.message}`);
  process.exit(1);
});
