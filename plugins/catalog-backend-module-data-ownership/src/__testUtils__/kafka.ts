/**
 * Real Kafka for the integration tests: the test broker of
 * scripts/services.sh (LOCALPLUS_KAFKA_BROKERS), shared, so every test
 * names its topics and groups with a prefix of its own; and a private broker
 * of this test's own (scripts/kafka.sh on a free port) that can be stopped
 * and started again without touching the shared one.
 */
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { freePortRange, serviceEnv } from '@internal/test-services';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Admin, Kafka, logLevel } from 'kafkajs';

// In CI (scripts/test.sh) a missing broker fails the run; it never skips.
export const haveKafka = Boolean(serviceEnv('LOCALPLUS_KAFKA_BROKERS'));
export const describeWithKafka = haveKafka ? describe : describe.skip;

export const sharedBrokers = (): string[] =>
  (process.env.LOCALPLUS_KAFKA_BROKERS ?? '').split(',').filter(Boolean);

/** A prefix no other test run uses, for topic and group names. */
export const uniquePrefix = (what: string) =>
  `${what}-${randomBytes(4).toString('hex')}`;

export async function withAdmin<T>(
  brokers: string[],
  fn: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new Kafka({
    brokers,
    clientId: 'data-ownership-test',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

export type TestTopic = {
  name: string;
  partitions: number;
  retentionMs?: number;
};

export async function createTopics(brokers: string[], topics: TestTopic[]) {
  await withAdmin(brokers, admin =>
    admin.createTopics({
      waitForLeaders: true,
      topics: topics.map(t => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: 1,
        configEntries:
          t.retentionMs === undefined
            ? []
            : [{ name: 'retention.ms', value: String(t.retentionMs) }],
      })),
    }),
  );
}

export async function deleteTopics(brokers: string[], names: string[]) {
  await withAdmin(brokers, admin => admin.deleteTopics({ topics: names }));
}

/** A consumer group that has read `topic` (offsets committed), with no member running. */
export async function commitGroup(
  brokers: string[],
  groupId: string,
  topic: string,
) {
  await withAdmin(brokers, admin =>
    admin.setOffsets({
      groupId,
      topic,
      partitions: [{ partition: 0, offset: '0' }],
    }),
  );
}

export async function deleteGroups(brokers: string[], groupIds: string[]) {
  await withAdmin(brokers, admin =>
    admin.deleteGroups(groupIds).catch(() => undefined),
  );
}

const run = promisify(execFile);
const KAFKA_SH = path.resolve(
  resolvePackagePath('@internal/plugin-catalog-backend-module-data-ownership'),
  '../../scripts/kafka.sh',
);

/** A broker of this test alone (scripts/kafka.sh), to stop and start again. */
export class PrivateBroker {
  private readonly dir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'data-ownership-kafka-'),
  );
  private port = 0;

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Starts it (fresh data, same port after the first start). */
  async start(): Promise<void> {
    // Two consecutive free ports: the broker's and its controller's.
    if (!this.port) this.port = await freePortRange(2);
    await run('bash', [KAFKA_SH, 'start', this.dir, String(this.port)], {
      timeout: 120_000,
    });
  }

  async stop(): Promise<void> {
    await run('bash', [KAFKA_SH, 'stop', this.dir], { timeout: 30_000 });
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
