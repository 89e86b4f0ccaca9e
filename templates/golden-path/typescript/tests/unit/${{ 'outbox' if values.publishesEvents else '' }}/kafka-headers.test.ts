import { describe, expect, it } from 'vitest';
import { kafkaHeaders } from '../../../src/app/infrastructure/outbox/kafka-publisher';

const event = {
  id: 1,
  eventId: 'e-1',
  aggregateType: 'account',
  aggregateId: 'a-1',
  eventType: 'account.credited',
  payload: {},
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('kafkaHeaders', () => {
  it('carries the event type and id, and the trace when there is one', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(kafkaHeaders({ ...event, traceparent })).toEqual({
      'event-id': 'e-1',
      'event-type': 'account.credited',
      'content-type': 'application/json',
      traceparent,
      'trace-id': '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(kafkaHeaders({ ...event, traceparent: null })).not.toHaveProperty('trace-id');
  });
});
