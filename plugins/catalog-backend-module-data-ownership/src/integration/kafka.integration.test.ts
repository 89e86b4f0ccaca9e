import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { EntityProviderConnection } from '@backstage/plugin-catalog-node';
import { isDependencyError } from '@internal/backend-helpers';
import { Kafka, logLevel } from 'kafkajs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDataOwnershipConfig } from '../config';
import { KafkaIntrospector } from '../kafka/KafkaIntrospector';
import { DataOwnershipEntityProvider } from '../provider/DataOwnershipEntityProvider';
import {
  commitGroup,
  createTopics,
  deleteGroups,
  deleteTopics,
  describeWithKafka,
  PrivateBroker,
  sharedBrokers,
  uniquePrefix,
} from '../__testUtils__/kafka';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const findings = (e?: Entity) =>
  JSON.parse(
    e?.metadata.annotations?.['local-plus.io/data-findings'] ?? '[]',
  ) as Array<{ rule: string; level: string; message: string }>;

/**
 * Topics read live from the test broker of scripts/services.sh, matched with
 * the declared specs. Everything this test creates carries its own prefix:
 * the broker is shared.
 */
describeWithKafka('topics read live from Kafka', () => {
  const brokers = sharedBrokers();
  const p = uniquePrefix('do');
  const t = (name: string) => `${p}.${name}`;
  let dir: string;
  let topicsFile: string;

  beforeAll(async () => {
    await createTopics(brokers, [
      // As declared.
      { name: t('ledger.v1'), partitions: 3, retentionMs: 7 * DAY },
      // Kept 3 days where 7 are declared.
      { name: t('wallet.v1'), partitions: 3, retentionMs: 3 * DAY },
      // 1 partition where 6 are declared.
      { name: t('merchant.v1'), partitions: 1, retentionMs: 7 * DAY },
      // Declared nowhere.
      { name: t('audit.v1'), partitions: 2, retentionMs: -1 },
      // Declared by a catalog entity of a service's own repository.
      { name: t('rewards.v1'), partitions: 1 },
      // Ignored by config.
      { name: t('scratch.v1'), partitions: 1 },
    ]);
    await commitGroup(brokers, `${p}-analytics`, t('ledger.v1'));
    await commitGroup(brokers, `${p}-legacy-reporting`, t('ledger.v1'));
    await commitGroup(brokers, `${p}-analytics`, t('wallet.v1'));

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-kafka-'));
    topicsFile = path.join(dir, 'topics.yaml');
    fs.writeFileSync(
      topicsFile,
      [
        'cluster: resource:default/aiven-kafka',
        'topics:',
        `  - { name: ${t(
          'ledger.v1',
        )}, producer: svc-ledger, consumers: [svc-analytics], partitions: 3, retention: 7d }`,
        `  - { name: ${t('wallet.v1')}, producer: svc-wallet, retention: 7d }`,
        `  - { name: ${t(
          'merchant.v1',
        )}, producer: svc-merchant, partitions: 6, retention: 168h }`,
        `  - { name: ${t(
          'giftcard.v1',
        )}, producer: svc-giftcard, retention: 7d }`,
        // Another cluster's topic: not looked for in this one.
        `  - { name: ${t(
          'elsewhere.v1',
        )}, producer: svc-ledger, cluster: resource:default/other-kafka }`,
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await deleteGroups(brokers, [`${p}-analytics`, `${p}-legacy-reporting`]);
    await deleteTopics(
      brokers,
      ['ledger', 'wallet', 'merchant', 'audit', 'rewards', 'scratch'].map(n =>
        t(`${n}.v1`),
      ),
    ).catch(() => undefined);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function config(kafka: object) {
    return readDataOwnershipConfig(
      new ConfigReader({
        dataOwnership: {
          system: 'local-plus',
          declared: { topics: [topicsFile] },
          kafka: {
            enabled: true,
            name: 'aiven-kafka',
            resource: 'resource:default/aiven-kafka',
            brokers,
            ignoreTopics: ['\\.scratch\\.'],
            ...kafka,
          },
        },
      }),
    );
  }

  function provider(
    kafka: object = {},
    declaredElsewhere: string[] = [t('rewards.v1')],
  ) {
    const logger = mockServices.logger.mock();
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(),
      refresh: jest.fn(),
    };
    const instance = new DataOwnershipEntityProvider({
      config: config(kafka),
      logger,
      taskRunner: { run: jest.fn() },
      kafkaTopicsDeclaredElsewhere: async () => declaredElsewhere,
    });
    return { instance, logger, connection };
  }

  /** The entities of this test's topics, by topic name. */
  const ours = (entities: Entity[]) =>
    new Map(
      entities
        .filter(e =>
          e.metadata.annotations?.['local-plus.io/kafka-topic']?.startsWith(
            `${p}.`,
          ),
        )
        .map(e => [e.metadata.annotations!['local-plus.io/kafka-topic'], e]),
    );

  it('reads topics, partitions, retention and consumer groups through the admin API', async () => {
    const introspector = new KafkaIntrospector(
      config({}).kafka,
      mockServices.logger.mock(),
    );
    // A consumer that is running and has committed nothing yet still
    // counts: its partitions are assigned to it.
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${p}-live` });
    await consumer.connect();
    const joined = new Promise(resolve =>
      consumer.on(consumer.events.GROUP_JOIN, resolve),
    );
    await consumer.subscribe({ topic: t('merchant.v1') });
    await consumer.run({ eachMessage: async () => {} });
    await joined;
    try {
      const snapshot = await introspector.read();
      const topics = snapshot.topics.filter(x => x.name.startsWith(`${p}.`));
      expect(topics.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: t('audit.v1'), partitions: 2, retentionMs: -1 },
        { name: t('ledger.v1'), partitions: 3, retentionMs: 7 * DAY },
        { name: t('merchant.v1'), partitions: 1, retentionMs: 7 * DAY },
        // The broker's default.
        { name: t('rewards.v1'), partitions: 1, retentionMs: 7 * DAY },
        { name: t('wallet.v1'), partitions: 3, retentionMs: 3 * DAY },
      ]);
      expect(snapshot.topics.map(x => x.name)).not.toContain(
        '__consumer_offsets',
      );
      const groups = snapshot.groups.filter(g => g.groupId.startsWith(p));
      expect(
        groups
          .map(g => ({ groupId: g.groupId, topics: g.topics.sort() }))
          .sort((a, b) => a.groupId.localeCompare(b.groupId)),
      ).toEqual([
        {
          groupId: `${p}-analytics`,
          topics: [t('ledger.v1'), t('wallet.v1')],
        },
        { groupId: `${p}-legacy-reporting`, topics: [t('ledger.v1')] },
        { groupId: `${p}-live`, topics: [t('merchant.v1')] },
      ]);
      expect(snapshot.cluster).toBe('aiven-kafka');
      expect(Date.parse(snapshot.readAt)).toBeGreaterThan(Date.now() - 60_000);
    } finally {
      await consumer.disconnect();
      await introspector.close();
      await deleteGroups(brokers, [`${p}-live`]);
    }
  });

  it('annotates each declared topic with what the cluster has, and reports what the declarations miss', async () => {
    const { instance, connection } = provider();
    await instance.connect(connection);
    const result = await instance.refresh();
    expect(result.applied).toBe(true);
    expect(result.kafka).toEqual({ read: true, stale: false });
    const topics = ours(result.entities);

    // As declared: live facts, no finding.
    const ledger = topics.get(t('ledger.v1'))!;
    expect(ledger.metadata.annotations).toMatchObject({
      'local-plus.io/data-source': 'live',
      'local-plus.io/kafka-live-cluster': 'aiven-kafka',
      'local-plus.io/kafka-live-partitions': '3',
      'local-plus.io/kafka-live-retention-ms': String(7 * DAY),
      'local-plus.io/kafka-live-consumer-groups': `${p}-analytics,${p}-legacy-reporting`,
    });
    expect(
      ledger.metadata.annotations?.['local-plus.io/kafka-live-read-at'],
    ).toBeDefined();
    expect(findings(ledger)).toEqual([]);
    // The declaration is what the entity says; the cluster's view sits beside it.
    expect(ledger.spec).toMatchObject({
      partitions: 3,
      retention: '7d',
      producers: ['component:default/svc-ledger'],
      consumers: ['component:default/svc-analytics'],
    });

    expect(findings(topics.get(t('wallet.v1')))).toEqual([
      {
        rule: 'retention-mismatch',
        level: 'warning',
        message: `${t(
          'wallet.v1',
        )} keeps messages 3d (retention.ms 259200000) in Kafka cluster aiven-kafka, but is declared with 7d`,
      },
    ]);
    expect(findings(topics.get(t('merchant.v1')))).toEqual([
      {
        rule: 'partitions-mismatch',
        level: 'warning',
        message: `${t(
          'merchant.v1',
        )} has 1 partition in Kafka cluster aiven-kafka, but is declared with 6`,
      },
    ]);

    const giftcard = topics.get(t('giftcard.v1'))!;
    expect(findings(giftcard)).toEqual([
      {
        rule: 'missing-topic',
        level: 'error',
        message: `${t(
          'giftcard.v1',
        )} is declared but Kafka cluster aiven-kafka has no such topic: create it, or remove the declaration`,
      },
    ]);
    expect(giftcard.metadata.annotations).toMatchObject({
      'local-plus.io/data-source': 'declared',
    });
    expect(
      giftcard.metadata.annotations?.['local-plus.io/kafka-live-partitions'],
    ).toBeUndefined();

    // Not looked for: another cluster's topic.
    expect(findings(topics.get(t('elsewhere.v1')))).toEqual([]);

    // The topic nobody declared: an entity of its own, so it is seen.
    const audit = topics.get(t('audit.v1'))!;
    expect(audit.metadata.name).toBe(`undeclared.${t('audit.v1')}`);
    expect(audit.spec).toMatchObject({
      type: 'kafka-topic',
      owner: 'group:default/platform-team',
      system: 'system:default/local-plus',
      dependsOn: ['resource:default/aiven-kafka'],
      producers: [],
      consumers: [],
      partitions: 2,
      retention: 'forever',
    });
    expect(audit.metadata.annotations).toMatchObject({
      'local-plus.io/data-source': 'live',
      'backstage.io/managed-by-location': 'data-ownership:kafka/aiven-kafka',
    });
    expect(findings(audit)).toEqual([
      {
        rule: 'undeclared-topic',
        level: 'warning',
        message: `${t(
          'audit.v1',
        )} exists in Kafka cluster aiven-kafka but no spec declares it: declare it (producer, consumers, retention) in catalog/data/topics.yaml or in its producer's catalog-info.yaml, or delete it`,
      },
    ]);

    // Declared by a service's own catalog entity, and ignored by config.
    expect(topics.has(t('rewards.v1'))).toBe(false);
    expect(topics.has(t('scratch.v1'))).toBe(false);

    // Internal topics are never reported.
    expect(
      result.entities.some(
        e =>
          e.metadata.annotations?.['local-plus.io/kafka-topic'] ===
          '__consumer_offsets',
      ),
    ).toBe(false);
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
  });

  it('fails fast and clearly when the cluster refuses the connection, keeping the declared topics', async () => {
    const down = { brokers: ['127.0.0.1:1'], attempts: 1 };
    const introspector = new KafkaIntrospector(
      config(down).kafka,
      mockServices.logger.mock(),
    );
    const started = Date.now();
    const error = await introspector.read().catch(e => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(isDependencyError(error)).toBe(true);
    expect(error.message).toBe(
      "Kafka cluster 'aiven-kafka' refused the connection (is it running?): check dataOwnership.kafka.brokers",
    );
    expect(error.message).not.toContain('127.0.0.1');
    await introspector.close();

    const { instance, connection, logger } = provider(down);
    await instance.connect(connection);
    const result = await instance.refresh();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.applied).toBe(true);
    expect(result.kafka).toEqual({
      read: false,
      stale: false,
      error:
        "Kafka cluster 'aiven-kafka' refused the connection (is it running?): check dataOwnership.kafka.brokers",
    });
    const topics = ours(result.entities);
    // The declared topics stay, saying the cluster could not be read.
    expect([...topics.keys()].sort()).toEqual(
      ['elsewhere', 'giftcard', 'ledger', 'merchant', 'wallet'].map(n =>
        t(`${n}.v1`),
      ),
    );
    const ledger = topics.get(t('ledger.v1'))!;
    expect(ledger.metadata.annotations).toMatchObject({
      'local-plus.io/data-source': 'declared',
      'local-plus.io/kafka-live-error':
        "Kafka cluster 'aiven-kafka' refused the connection (is it running?): check dataOwnership.kafka.brokers",
    });
    expect(findings(ledger)).toEqual([]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        "Kafka cluster 'aiven-kafka' refused the connection (is it running?)",
      ),
    );
  });
});

/**
 * A broker of the test's own stopped and started again under the provider:
 * the last known topics stand in while it is down, and the next run reads it
 * again.
 */
describeWithKafka(
  'the provider while its Kafka broker stops and restarts',
  () => {
    const broker = new PrivateBroker();
    let dir: string;
    let topicsFile: string;

    beforeAll(async () => {
      await broker.start();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-ownership-kafka-'));
      topicsFile = path.join(dir, 'topics.yaml');
      fs.writeFileSync(
        topicsFile,
        'topics:\n  - { name: ledger.transactions.v1, producer: svc-ledger, retention: 7d }\n',
      );
    });
    afterAll(async () => {
      await broker.destroy();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the last known topics while the broker is down, and recovers when it is back', async () => {
      await createTopics(broker.brokers, [
        { name: 'ledger.transactions.v1', partitions: 3, retentionMs: 7 * DAY },
        { name: 'ledger.audit.v1', partitions: 1 },
      ]);
      const logger = mockServices.logger.mock();
      const connection: jest.Mocked<EntityProviderConnection> = {
        applyMutation: jest.fn(),
        refresh: jest.fn(),
      };
      const instance = new DataOwnershipEntityProvider({
        config: readDataOwnershipConfig(
          new ConfigReader({
            dataOwnership: {
              declared: { topics: [topicsFile] },
              kafka: {
                enabled: true,
                brokers: broker.brokers,
                attempts: 2,
                retryDelayMs: 200,
                connectionTimeoutMs: 1_000,
              },
            },
          }),
        ),
        logger,
        taskRunner: { run: jest.fn() },
      });
      await instance.connect(connection);
      const names = (r: { entities: Entity[] }) =>
        r.entities.map(e => e.metadata.name).sort();

      const first = await instance.refresh();
      expect(first.kafka).toEqual({ read: true, stale: false });
      expect(names(first)).toEqual([
        'ledger.transactions.v1',
        'undeclared.ledger.audit.v1',
      ]);

      await broker.stop();
      const started = Date.now();
      const down = await instance.refresh();
      // Two attempts, 200 ms apart, each refused at once.
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(down.kafka).toEqual({
        read: false,
        stale: true,
        error:
          "Kafka cluster 'kafka' refused the connection (is it running?): check dataOwnership.kafka.brokers",
      });
      // The last known topics stand in: nothing disappears from the catalog.
      expect(names(down)).toEqual(names(first));
      const stale = down.entities.find(
        e => e.metadata.name === 'ledger.transactions.v1',
      )!;
      expect(stale.metadata.annotations).toMatchObject({
        'local-plus.io/data-source': 'live',
        'local-plus.io/kafka-live-partitions': '3',
        'local-plus.io/kafka-live-error':
          "Kafka cluster 'kafka' refused the connection (is it running?): check dataOwnership.kafka.brokers",
      });
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('keeping its last known topics'),
      );

      // Back, with fresh data: read again, the error gone.
      await broker.start();
      await createTopics(broker.brokers, [
        { name: 'ledger.transactions.v1', partitions: 6, retentionMs: 7 * DAY },
      ]);
      const back = await instance.refresh();
      expect(back.kafka).toEqual({ read: true, stale: false });
      expect(names(back)).toEqual(['ledger.transactions.v1']);
      expect(back.entities[0].metadata.annotations).toMatchObject({
        'local-plus.io/kafka-live-partitions': '6',
      });
      expect(
        back.entities[0].metadata.annotations?.[
          'local-plus.io/kafka-live-error'
        ],
      ).toBeUndefined();
      expect(connection.applyMutation).toHaveBeenCalledTimes(3);
      // A broker stopped and started again: two JVM starts, which take far
      // longer on a CI machine busy with other suites than the file's 120 s.
    }, 300_000);
  },
);
