/** An outbox row, as the relay hands it to a publisher. */
export interface OutboxEvent {
  /** Outbox sequence number (ordering within one relay batch). */
  id: number;
  /** Unique id of the event; consumers de-duplicate on it (delivery is at least once). */
  eventId: string;
  aggregateType: string;
  /** Becomes the Kafka message key: one aggregate, one partition, in order. */
  aggregateId: string;
  eventType: string;
  payload: unknown;
  /** W3C traceparent of the request that wrote the event, if it was traced. */
  traceparent: string | null;
  createdAt: string;
}

/**
 * Where the relay sends events. Production uses KafkaEventPublisher; the
 * tests use a recording publisher, since Kafka cannot run on every machine.
 * `publish` resolves only once every event of the batch is acknowledged;
 * if it throws, none of the batch is marked published and all of it is sent
 * again later.
 */
export interface EventPublisher {
  publish(events: OutboxEvent[]): Promise<void>;
  close(): Promise<void>;
}
