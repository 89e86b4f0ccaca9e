"""Transactional outbox: events are inserted in the same transaction as the
change they describe, then relayed to the service's Kafka topic by the
outbox relay, at least once.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# Fixed when the repository was generated, quoted for SQL: the service's
# schema (an identifier) and the owner comment (a string literal).
SCHEMA = _identifier(${{ values.databaseSchema | dump }})
OWNED_BY = ${{ ('owned-by: ' ~ values.name) | sqlString | dump }}


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE {SCHEMA}.outbox (
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
        )
        """
    )
    # The relay only ever scans unpublished rows.
    op.execute(f"CREATE INDEX outbox_unpublished_idx ON {SCHEMA}.outbox (id) WHERE published_at IS NULL")
    op.execute(f"CREATE INDEX outbox_published_at_idx ON {SCHEMA}.outbox (published_at) WHERE published_at IS NOT NULL")
    op.execute(f"COMMENT ON TABLE {SCHEMA}.outbox IS {OWNED_BY}")


def downgrade() -> None:
    # Forward only: undo a change with a new migration.
    raise NotImplementedError("migrations are forward only")
