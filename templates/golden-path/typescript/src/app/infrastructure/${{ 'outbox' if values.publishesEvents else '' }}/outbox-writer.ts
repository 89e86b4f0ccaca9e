import { context, propagation } from '@opentelemetry/api';
import type { DomainEvent } from '../../domain/events/account-events';
import type { PoolClient } from '../postgres/pool';
import { SCHEMA } from '../postgres/sql';

/**
 * Adds an event to the outbox on the caller's connection: it must be the
 * connection of the transaction that makes the change, so the event is
 * committed, or rolled back, with it.
 */
export async function appendToOutbox(client: PoolClient, event: DomainEvent): Promise<void> {
  await client.query(
    `INSERT INTO ${SCHEMA}.outbox (aggregate_type, aggregate_id, event_type, payload, traceparent)
     VALUES ($1, $2, $3, $4, $5)`,
    outboxValues(event),
  );
}

/**
 * The values of an outbox row, in the column order above, for a statement
 * that inserts it along with other changes (see AccountStore): the W3C
 * traceparent of the active span goes with it.
 */
export function outboxValues(event: DomainEvent): [string, string, string, string, string | null] {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return [event.aggregateType, event.aggregateId, event.type, JSON.stringify(event.payload), carrier.traceparent ?? null];
}
