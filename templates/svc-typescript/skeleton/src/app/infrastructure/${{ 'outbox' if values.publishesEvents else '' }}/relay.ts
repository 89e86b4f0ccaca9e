import type { Logger } from 'pino';
import { withTransaction, type Pool } from '../postgres/pool';
import { SCHEMA } from '../postgres/sql';
import type { EventPublisher, OutboxEvent } from './event-publisher';

export interface OutboxRelayOptions {
  pool: Pool;
  publisher: EventPublisher;
  logger: Logger;
  /** Events per transaction; a full batch is followed immediately by the next. */
  batchSize?: number;
  /** Pause when the outbox is empty. */
  idleDelayMs?: number;
  /** Longest pause after repeated failures (Kafka or PostgreSQL down). */
  maxBackoffMs?: number;
  /** Published events are deleted after this many days (Kafka keeps them 7 days too). */
  retentionDays?: number;
}

interface OutboxRow {
  id: number;
  event_id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: unknown;
  traceparent: string | null;
  created_at: Date;
}

/**
 * Moves events from the outbox table to Kafka, at least once.
 *
 * Each batch is claimed with FOR UPDATE SKIP LOCKED inside a transaction, so
 * several replicas relay in parallel without sending the same row twice at
 * the same time; rows are marked published in that same transaction, after
 * the publisher has the broker's acknowledgement. If the process dies between
 * the acknowledgement and the COMMIT, the batch is sent again: consumers
 * de-duplicate on the event id. Order is kept per aggregate within a replica;
 * across replicas only per-batch, which is why consumers must not assume a
 * global order.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly idleDelayMs: number;
  private readonly maxBackoffMs: number;
  private readonly retentionDays: number;
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;
  private lastPrune = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.idleDelayMs = options.idleDelayMs ?? 500;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.retentionDays = options.retentionDays ?? 7;
  }

  /** Publishes at most one batch; returns how many events were published. */
  async relayOnce(): Promise<number> {
    return withTransaction(this.options.pool, async client => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, traceparent, created_at
           FROM ${SCHEMA}.outbox
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await this.options.publisher.publish(rows.map(toEvent));
      await client.query(`UPDATE ${SCHEMA}.outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [
        rows.map(r => r.id),
      ]);
      return rows.length;
    });
  }

  /** Events written but not yet published (the outbox_pending_events gauge). */
  async pendingCount(): Promise<number> {
    const { rows } = await this.options.pool.query<{ count: number }>(
      `SELECT count(*) AS count FROM ${SCHEMA}.outbox WHERE published_at IS NULL`,
    );
    return rows[0]?.count ?? 0;
  }

  /** Deletes events published more than retentionDays ago. */
  async prunePublished(): Promise<number> {
    const result = await this.options.pool.query(
      `DELETE FROM ${SCHEMA}.outbox WHERE published_at < now() - make_interval(days => $1)`,
      [this.retentionDays],
    );
    return result.rowCount ?? 0;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the batch in progress (bounded by the publisher's timeout), then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let delay = this.idleDelayMs;
      try {
        const published = await this.relayOnce();
        if (failures > 0) this.options.logger.info({ failures }, 'outbox relay recovered');
        failures = 0;
        if (published === this.batchSize) delay = 0;
        await this.pruneHourly();
      } catch (error) {
        failures += 1;
        delay = Math.min(this.idleDelayMs * 2 ** failures, this.maxBackoffMs);
        this.options.logger.error({ err: error, failures, retryInMs: delay }, 'outbox relay failed');
      }
      if (delay > 0) await this.sleep(delay);
    }
  }

  private async pruneHourly(): Promise<void> {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    const deleted = await this.prunePublished();
    if (deleted > 0) this.options.logger.info({ deleted }, 'pruned published outbox events');
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

function toEvent(row: OutboxRow): OutboxEvent {
  return {
    id: row.id,
    eventId: row.event_id,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    eventType: row.event_type,
    payload: row.payload,
    traceparent: row.traceparent,
    createdAt: row.created_at.toISOString(),
  };
}
