import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * The Kafka broker the relay's integration tests publish to: KAFKA_BROKERS
 * (host:port, comma-separated), a broker you run or CI's. Unset, those tests
 * are skipped and `npm test` says so (scripts/test-services.sh starts no
 * broker: a JVM is not on every machine).
 */
export const testBrokers = (process.env.KAFKA_BROKERS ?? '')
  .split(',')
  .map(b => b.trim())
  .filter(Boolean);

const kafka = () => new Kafka({ brokers: testBrokers, clientId: 'outbox-tests', logLevel: logLevel.NOTHING });

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** A topic of the test's own on the broker (brokers may refuse to create topics on first use). */
export async function createTopic(topic: string, partitions: number): Promise<void> {
  await withAdmin(admin =>
    admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }] }),
  );
}

export async function deleteTopic(topic: string): Promise<void> {
  await withAdmin(admin => admin.deleteTopics({ topics: [topic] })).catch(() => undefined);
}

/** A message as a consumer receives it. */
export interface ReceivedMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: any;
  headers: Record<string, string>;
}

/**
 * Everything on `topic` from the beginning, read by a consumer group of its
 * own, until `done` says enough has arrived (or `timeoutMs`): messages in
 * partition and offset order.
 */
export async function readTopic(
  topic: string,
  done: (messages: ReceivedMessage[]) => boolean,
  timeoutMs = 20_000,
): Promise<ReceivedMessage[]> {
  const groupId = `outbox-tests-${randomUUID()}`;
  const consumer = kafka().consumer({ groupId, maxWaitTimeInMs: 100 });
  const messages: ReceivedMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finish: () => void = () => {};
    const finished = new Promise<void>(resolve => (finish = resolve));
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value ? JSON.parse(message.value.toString()) : null,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
          ),
        });
        if (done(messages)) finish();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise<void>(resolve => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
    await withAdmin(admin => admin.deleteGroups([groupId])).catch(() => undefined);
  }
  return messages.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}
