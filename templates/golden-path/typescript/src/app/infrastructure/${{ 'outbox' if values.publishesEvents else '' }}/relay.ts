import type { Logger } from 'pino';
import { SERVICE } from '../../config';
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

/** The advisory lock only the publishing relay holds (per service: several may share a database). */
const RELAY_LOCK = `${SERVICE.databaseSchema}:outbox-relay`;

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
 * Moves events from the outbox table to Kafka, at least once, in order per
 * account.
 *
 * Every replica runs a relay, and one at a time publishes: a batch is read
 * in a transaction that first takes a transaction-scoped advisory lock (the
 * others find it taken and wait for their next turn). Rows are marked
 * published in that transaction, after the broker has acknowledged them, so
 * the next relay to take the lock starts after them. Parallel relays with
 * SKIP LOCKED would let one replica publish an account's later event while
 * another still holds its earlier one.
 *
 * Why the outbox's id order is each account's order: writes to one account
 * queue on its row lock, so a later write inserts its event (taking a larger
 * id) only after the earlier one committed. If the process dies between the
 * acknowledgement and the COMMIT, the batch is sent again: consumers
 * de-duplicate on the event id. Across accounts there is no order to keep.
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

  /** Publishes at most one batch; returns how many events were published (0 while another replica's relay has the turn). */
  async relayOnce(): Promise<number> {
    return withTransaction(this.options.pool, async client => {
      const turn = await client.query<{ mine: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS mine', [
        RELAY_LOCK,
      ]);
      if (!turn.rows[0]?.mine) return 0;
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, traceparent, created_at
           FROM ${SCHEMA}.outbox
          WHERE published_at IS NULL
          ORDER BY id
          LIMIT $1`,
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
