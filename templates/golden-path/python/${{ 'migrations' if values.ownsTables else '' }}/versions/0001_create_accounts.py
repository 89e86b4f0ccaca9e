"""Accounts and the transactions that change their balance.

One table, one owner (seed, part VIII.3): these tables belong to this
service. Other services use its API, never SQL. The table comments say so;
the portal's data-ownership catalog reads them.

Revision ID: 0001
Revises:
"""

from alembic import op

revision = "0001"
down_revision = None
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
        CREATE TABLE {SCHEMA}.accounts (
          id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
          -- The member it belongs to: the `sub` claim of their access tokens (an
          -- opaque id from the identity provider, never an e-mail address).
          owner_id      text        NOT NULL CHECK (char_length(owner_id) BETWEEN 1 AND 255),
          currency      char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{{3}}$'),
          -- Integer minor units (cents). The CHECK is the last line of defence
          -- against an overdraft if application code ever gets it wrong.
          balance_minor bigint      NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
          created_at    timestamptz NOT NULL DEFAULT now(),
          updated_at    timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(f"CREATE INDEX accounts_owner_id_idx ON {SCHEMA}.accounts (owner_id)")
    op.execute(f"COMMENT ON TABLE {SCHEMA}.accounts IS {OWNED_BY}")

    op.execute(
        f"""
        CREATE TABLE {SCHEMA}.account_transactions (
          id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
          account_id          uuid        NOT NULL REFERENCES {SCHEMA}.accounts (id),
          type                text        NOT NULL CHECK (type IN ('credit', 'debit')),
          amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
          currency            char(3)     NOT NULL,
          -- The client's opaque reference (order number, receipt id), not free text.
          reference           text        NOT NULL,
          balance_after_minor bigint      NOT NULL CHECK (balance_after_minor >= 0),
          -- For audit. Not unique: keys are forgotten after 24 hours and may come back.
          idempotency_key     text        NOT NULL,
          created_at          timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        f"CREATE INDEX account_transactions_account_id_idx "
        f"ON {SCHEMA}.account_transactions (account_id, created_at DESC)"
    )
    op.execute(f"COMMENT ON TABLE {SCHEMA}.account_transactions IS {OWNED_BY}")

    # The first response to each Idempotency-Key, replayed to retries. A row
    # without a response is a request still in flight (its transaction holds
    # the row's lock until it commits or rolls back). The body is kept as the
    # exact JSON text that was sent, so a replay is byte for byte the same.
    op.execute(
        f"""
        CREATE TABLE {SCHEMA}.idempotency_keys (
          key                 text        PRIMARY KEY,
          request_fingerprint text        NOT NULL,
          response_status     smallint,
          response_body       text,
          created_at          timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(f"CREATE INDEX idempotency_keys_created_at_idx ON {SCHEMA}.idempotency_keys (created_at)")
    op.execute(f"COMMENT ON TABLE {SCHEMA}.idempotency_keys IS {OWNED_BY}")


def downgrade() -> None:
    # Forward only: undo a change with a new migration.
    raise NotImplementedError("migrations are forward only")
