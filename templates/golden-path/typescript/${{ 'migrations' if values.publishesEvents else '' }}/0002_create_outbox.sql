-- Transactional outbox: events are inserted in the same transaction as the
-- change they describe, then relayed to the service's Kafka topic by the
-- outbox relay, at least once.

CREATE TABLE ${{ values.databaseSchema | sqlIdentifier }}.outbox (
  id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id       uuid        NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  aggregate_type text        NOT NULL,
  -- Kafka message key: events of one aggregate go to one partition, in order.
  aggregate_id   text        NOT NULL,
  event_type     text        NOT NULL,
  payload        jsonb       NOT NULL,
  -- W3C traceparent of the request that wrote the event, passed on as a header.
  traceparent    text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);
-- The relay only ever scans unpublished rows.
CREATE INDEX outbox_unpublished_idx ON ${{ values.databaseSchema | sqlIdentifier }}.outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at_idx ON ${{ values.databaseSchema | sqlIdentifier }}.outbox (published_at) WHERE published_at IS NOT NULL;
COMMENT ON TABLE ${{ values.databaseSchema | sqlIdentifier }}.outbox IS ${{ ('owned-by: ' ~ values.name) | sqlString }};
