import type { EventPublisher, OutboxEvent } from '../../src/app/infrastructure/outbox/event-publisher';

/**
 * The one test double of this repository: the relay's tests that need to
 * make publishing slow or fail at a chosen moment publish here. Everything
 * else is real, Kafka included: tests/integration/outbox/kafka.test.ts runs
 * the relay and the real publisher against the broker of KAFKA_BROKERS.
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: OutboxEvent[] = [];
  /** While set, publish() fails like an unreachable broker. */
  failWith?: Error;
  /** Added latency per publish, to hold a batch's row locks for a while. */
  delayMs = 0;
  /** Batches handed over and not yet acknowledged. */
  inFlight = 0;

  async publish(events: OutboxEvent[]): Promise<void> {
    this.inFlight += 1;
    try {
      if (this.delayMs) await new Promise(resolve => setTimeout(resolve, this.delayMs));
      if (this.failWith) throw this.failWith;
      this.published.push(...events);
    } finally {
      this.inFlight -= 1;
    }
  }

  async close(): Promise<void> {}
}
