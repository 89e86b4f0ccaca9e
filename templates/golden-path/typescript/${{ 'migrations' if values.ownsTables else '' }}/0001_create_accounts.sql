-- Accounts and the transactions that change their balance.
--
-- One table, one owner (seed, part VIII.3): these tables belong to this
-- service. Other services use its API or its events, never SQL. The table
-- comments say so; the portal's data-ownership catalog reads them.

CREATE TABLE ${{ values.databaseSchema | sqlIdentifier }}.accounts (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The member it belongs to: the `sub` claim of their access tokens (an
  -- opaque id from the identity provider, never an e-mail address).
  owner_id      text        NOT NULL CHECK (char_length(owner_id) BETWEEN 1 AND 255),
  currency      char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Integer minor units (cents). The CHECK is the last line of defence
  -- against an overdraft if application code ever gets it wrong.
  balance_minor bigint      NOT NULL DEFAULT 0 CHECK (balance_minor >= 0),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX accounts_owner_id_idx ON ${{ values.databaseSchema | sqlIdentifier }}.accounts (owner_id);
COMMENT ON TABLE ${{ values.databaseSchema | sqlIdentifier }}.accounts IS ${{ ('owned-by: ' ~ values.name) | sqlString }};

CREATE TABLE ${{ values.databaseSchema | sqlIdentifier }}.account_transactions (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  account_id          uuid        NOT NULL REFERENCES ${{ values.databaseSchema | sqlIdentifier }}.accounts (id),
  type                text        NOT NULL CHECK (type IN ('credit', 'debit')),
  amount_minor        bigint      NOT NULL CHECK (amount_minor > 0),
  currency            char(3)     NOT NULL,
  -- The client's opaque reference (order number, receipt id), not free text.
  reference           text        NOT NULL,
  balance_after_minor bigint      NOT NULL CHECK (balance_after_minor >= 0),
  -- For audit. Not unique: keys are forgotten after 24 hours and may come back.
  idempotency_key     text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX account_transactions_account_id_idx
  ON ${{ values.databaseSchema | sqlIdentifier }}.account_transactions (account_id, created_at DESC);
COMMENT ON TABLE ${{ values.databaseSchema | sqlIdentifier }}.account_transactions IS ${{ ('owned-by: ' ~ values.name) | sqlString }};

-- The first response to each Idempotency-Key, replayed to retries. A row
-- without a response is a request still in flight (its transaction holds
-- the row's lock until it commits or rolls back). The body is kept as the
-- exact JSON text that was sent, so a replay is byte for byte the same.
CREATE TABLE ${{ values.databaseSchema | sqlIdentifier }}.idempotency_keys (
  key                 text        PRIMARY KEY,
  request_fingerprint text        NOT NULL,
  response_status     smallint,
  response_body       text,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_keys_created_at_idx ON ${{ values.databaseSchema | sqlIdentifier }}.idempotency_keys (created_at);
COMMENT ON TABLE ${{ values.databaseSchema | sqlIdentifier }}.idempotency_keys IS ${{ ('owned-by: ' ~ values.name) | sqlString }};
