import { Kafka, Partitioners, logLevel, type LogEntry, type Producer, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventPublisher, OutboxEvent } from './event-publisher';

export interface KafkaPublisherOptions {
  brokers: string[];
  topic: string;
  clientId: string;
  ssl: boolean;
  sasl?: { username: string; password: string };
  logger: Logger;
}

/**
 * A batch is given up after this long, well within the relay transaction's
 * idle timeout (10 s): the rows stay unpublished and are sent again later.
 */
export const PUBLISH_TIMEOUT_MS = 7_000;

/**
 * Publishes outbox events to Kafka (Aiven), acknowledged by all in-sync
 * replicas, one request in flight so messages of a partition keep their
 * order. Retries are few and bounded: a broker outage fails the batch quickly
 * and the relay tries again later. Delivery is at least once (a retried send
 * may duplicate a message); consumers de-duplicate on the event id.
 */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(private readonly options: KafkaPublisherOptions) {
    const sasl: SASLOptions | undefined = options.sasl
      ? { mechanism: 'scram-sha-512', ...options.sasl }
      : undefined;
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ssl: options.ssl,
      sasl,
      requestTimeout: 5_000,
      connectionTimeout: 3_000,
      retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
      logLevel: logLevel.WARN,
      logCreator: () => entry => logKafka(options.logger, entry),
    });
    this.producer = kafka.producer({
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(events: OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Kafka did not acknowledge within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.send(events), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(events: OutboxEvent[]): Promise<void> {
    this.connected ??= this.producer.connect().catch(error => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
    await this.producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: events.map(event => ({
        key: event.aggregateId,
        value: JSON.stringify({
          id: event.eventId,
          type: event.eventType,
          aggregateType: event.aggregateType,
          aggregateId: event.aggregateId,
          occurredAt: event.createdAt,
          data: event.payload,
        }),
        headers: kafkaHeaders(event),
      })),
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

/** Headers consumers route and trace on without parsing the value. */
export function kafkaHeaders(event: OutboxEvent): Record<string, string> {
  const headers: Record<string, string> = {
    'event-id': event.eventId,
    'event-type': event.eventType,
    'content-type': 'application/json',
  };
  if (event.traceparent) {
    headers.traceparent = event.traceparent;
    // The bare trace id too, for consumers without W3C propagation.
    const traceId = event.traceparent.split('-')[1];
    if (traceId) headers['trace-id'] = traceId;
  }
  return headers;
}

function logKafka(logger: Logger, entry: LogEntry): void {
  const { message, ...rest } = entry.log;
  const fields = { kafka: entry.namespace, ...rest };
  if (entry.level <= logLevel.ERROR) logger.error(fields, message);
  else if (entry.level === logLevel.WARN) logger.warn(fields, message);
  else logger.debug(fields, message);
}
