"""Accounts in PostgreSQL.

Every balance change runs in one transaction that (1) claims the
Idempotency-Key, (2) locks the account row with SELECT ... FOR UPDATE, (3)
writes the new balance and the transaction row{% if values.publishesEvents %}, adds the event to the outbox{% endif %}
and stores the response for replays, in one statement. Concurrent requests on one account queue on the
row lock, so none can overdraw it; a retried request waits for the first to
finish, then gets its response.

Five round trips to PostgreSQL (BEGIN, claim, lock, write, COMMIT): the
changes decided in (3) go together. The transaction's id is made here and its
time is the transaction's now(), read with the lock: the response is complete
before the write is sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.domain.accounts.account import (
    AccountState,
    Refused,
    Rejection,
    TransactionRequest,
    TransactionType,
    decide_transaction,
)
from app.domain.accounts.idempotency import KeyReused, decide_replay
from app.domain.accounts.idempotency import StoredResponse as StoredKey
{%- if values.publishesEvents %}
from app.domain.events.account_events import account_opened, transaction_posted
from app.infrastructure.outbox.outbox_writer import OUTBOX_COLUMNS, OUTBOX_VALUES, append_to_outbox, outbox_values
{%- endif %}
from app.infrastructure.postgres.sql import SCHEMA


def iso(moment: datetime) -> str:
    """A timestamp as the API writes it: UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Account:
    id: str
    #: The member it belongs to: the `sub` of their tokens.
    owner_id: str
    currency: str
    balance: int
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "ownerId": self.owner_id,
            "currency": self.currency,
            "balance": self.balance,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass(frozen=True)
class Transaction:
    id: str
    account_id: str
    type: TransactionType
    amount: int
    currency: str
    reference: str
    balance_after: int
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "accountId": self.account_id,
            "type": self.type,
            "amount": self.amount,
            "currency": self.currency,
            "reference": self.reference,
            "balanceAfter": self.balance_after,
            "createdAt": self.created_at,
        }


# What posting a transaction led to, before it is turned into an HTTP response.
@dataclass(frozen=True)
class Posted:
    transaction: Transaction
    kind: Literal["posted"] = "posted"


@dataclass(frozen=True)
class AccountNotFound:
    kind: Literal["account-not-found"] = "account-not-found"


@dataclass(frozen=True)
class Rejected:
    reason: Rejection
    kind: Literal["rejected"] = "rejected"


PostOutcome = Posted | AccountNotFound | Rejected


@dataclass(frozen=True)
class StoredResponse:
    status: int
    #: The exact JSON text sent (and, for a replay, sent the first time).
    body: str


@dataclass(frozen=True)
class Fresh:
    """First time this key was seen: the outcome and the response stored for it."""

    outcome: PostOutcome
    response: StoredResponse
    kind: Literal["fresh"] = "fresh"


@dataclass(frozen=True)
class Replayed:
    """The key was used before with the same request: its first response."""

    response: StoredResponse
    kind: Literal["replay"] = "replay"


@dataclass(frozen=True)
class KeyReusedResult:
    """The key was used before with a different request."""

    kind: Literal["key-reused"] = "key-reused"


PostResult = Fresh | Replayed | KeyReusedResult


@dataclass(frozen=True)
class PostTransactionInput:
    account_id: str
    request: TransactionRequest
    idempotency_key: str
    #: request_fingerprint() of the HTTP request the key came with.
    fingerprint: str


ToResponse = Callable[[PostOutcome], StoredResponse]

_ACCOUNT_COLUMNS = "id, owner_id, currency, balance_minor, created_at, updated_at"


def _account(row: Any) -> Account:
    return Account(
        id=str(row["id"]),
        owner_id=row["owner_id"],
        currency=row["currency"],
        balance=row["balance_minor"],
        created_at=iso(row["created_at"]),
        updated_at=iso(row["updated_at"]),
    )


class AccountStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_account(self, *, owner_id: str, currency: str) -> Account:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                text(
                    f"INSERT INTO {SCHEMA}.accounts (owner_id, currency) VALUES (:owner_id, :currency) "
                    f"RETURNING {_ACCOUNT_COLUMNS}"
                ),
                {"owner_id": owner_id, "currency": currency},
            )
            account = _account(result.mappings().one())
{%- if values.publishesEvents %}
            await append_to_outbox(
                connection,
                account_opened(
                    id=account.id, owner_id=account.owner_id, currency=account.currency, created_at=account.created_at
                ),
            )
{%- endif %}
            return account

    async def get_account(self, account_id: str) -> Account | None:
        async with self._engine.connect() as connection:
            result = await connection.execute(
                text(f"SELECT {_ACCOUNT_COLUMNS} FROM {SCHEMA}.accounts WHERE id = :id"), {"id": account_id}
            )
            row = result.mappings().first()
        return _account(row) if row else None

    async def owner_of(self, account_id: str) -> str | None:
        """Who an account belongs to (None: no such account); owners never change."""
        async with self._engine.connect() as connection:
            result = await connection.execute(
                text(f"SELECT owner_id FROM {SCHEMA}.accounts WHERE id = :id"), {"id": account_id}
            )
            return result.scalar_one_or_none()

    async def post_transaction(self, request: PostTransactionInput, to_response: ToResponse) -> PostResult:
        """Posts a credit or debit exactly once per Idempotency-Key.
        `to_response` turns the outcome into the HTTP response that is stored,
        in the same transaction, and replayed to every retry with the same key."""
        async with self._engine.begin() as connection:
            # Claim the key. If another transaction holds it, this INSERT waits
            # for that one to commit (then conflicts) or roll back (then succeeds).
            claimed = await connection.execute(
                text(
                    f"INSERT INTO {SCHEMA}.idempotency_keys (key, request_fingerprint) "
                    "VALUES (:key, :fingerprint) ON CONFLICT (key) DO NOTHING RETURNING key"
                ),
                {"key": request.idempotency_key, "fingerprint": request.fingerprint},
            )
            if claimed.first() is None:
                return await self._previous_response(connection, request)
            return await self._apply_transaction(connection, request, to_response)

    async def prune_idempotency_keys(self, older_than_hours: int) -> int:
        """Forgets keys older than the replay window; run periodically."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                text(
                    f"DELETE FROM {SCHEMA}.idempotency_keys "
                    "WHERE created_at < now() - make_interval(hours => :hours) AND response_status IS NOT NULL"
                ),
                {"hours": older_than_hours},
            )
            return result.rowcount or 0

    async def _apply_transaction(
        self, connection: AsyncConnection, request: PostTransactionInput, to_response: ToResponse
    ) -> PostResult:
        # The row lock serialises every balance change on this account until COMMIT.
        result = await connection.execute(
            text(f"SELECT {_ACCOUNT_COLUMNS}, now() AS now FROM {SCHEMA}.accounts WHERE id = :id FOR UPDATE"),
            {"id": request.account_id},
        )
        row = result.mappings().first()
        if row is None:
            return await self._refuse(connection, request, to_response, AccountNotFound())
        decision = decide_transaction(
            AccountState(balance=row["balance_minor"], currency=row["currency"]), request.request
        )
        if isinstance(decision, Refused):
            return await self._refuse(connection, request, to_response, Rejected(decision.reason))

        transaction = Transaction(
            id=str(uuid.uuid4()),
            account_id=str(row["id"]),
            type=request.request.type,
            amount=request.request.amount,
            currency=request.request.currency,
            reference=request.request.reference,
            balance_after=decision.balance_after,
            # The column's default, now(), is the transaction's start time: this one.
            created_at=iso(row["now"]),
        )
        outcome = Posted(transaction)
        response = to_response(outcome)
        await connection.execute(
            text(
                f"""WITH balance AS (
                      UPDATE {SCHEMA}.accounts SET balance_minor = :balance_after, updated_at = now()
                       WHERE id = :account_id
                    ), posted AS (
                      INSERT INTO {SCHEMA}.account_transactions
                        (id, account_id, type, amount_minor, currency, reference, balance_after_minor,
                         idempotency_key)
                      VALUES (:transaction_id, :account_id, :type, :amount, :currency, :reference,
                              :balance_after, :key)
{%- if values.publishesEvents %}
                    ), event AS (
                      INSERT INTO {SCHEMA}.outbox ({OUTBOX_COLUMNS}) VALUES ({OUTBOX_VALUES})
{%- endif %}
                    )
                    UPDATE {SCHEMA}.idempotency_keys SET response_status = :status, response_body = :body
                     WHERE key = :key"""
            ),
            {
                "account_id": transaction.account_id,
                "balance_after": transaction.balance_after,
                "transaction_id": transaction.id,
                "type": transaction.type,
                "amount": transaction.amount,
                "currency": transaction.currency,
                "reference": transaction.reference,
                "key": request.idempotency_key,
                "status": response.status,
                "body": response.body,
{%- if values.publishesEvents %}
                **outbox_values(
                    transaction_posted(
                        id=transaction.id,
                        account_id=transaction.account_id,
                        type=transaction.type,
                        amount=transaction.amount,
                        currency=transaction.currency,
                        balance_after=transaction.balance_after,
                        created_at=transaction.created_at,
                    )
                ),
{%- endif %}
            },
        )
        return Fresh(outcome, response)

    async def _refuse(
        self,
        connection: AsyncConnection,
        request: PostTransactionInput,
        to_response: ToResponse,
        outcome: PostOutcome,
    ) -> PostResult:
        """A refusal is an answer too: stored with the key, so a retry gets it again."""
        response = to_response(outcome)
        await connection.execute(
            text(
                f"UPDATE {SCHEMA}.idempotency_keys SET response_status = :status, response_body = :body "
                "WHERE key = :key"
            ),
            {"key": request.idempotency_key, "status": response.status, "body": response.body},
        )
        return Fresh(outcome, response)

    async def _previous_response(self, connection: AsyncConnection, request: PostTransactionInput) -> PostResult:
        result = await connection.execute(
            text(
                "SELECT request_fingerprint, response_status, response_body "
                f"FROM {SCHEMA}.idempotency_keys WHERE key = :key"
            ),
            {"key": request.idempotency_key},
        )
        row = result.mappings().first()
        if row is None or row["response_status"] is None:
            # Only possible if the key was pruned between the INSERT and this
            # SELECT; the client's retry will then be treated as new.
            raise RuntimeError("Idempotency key vanished while it was being read; retry the request")
        decision = decide_replay(
            StoredKey(fingerprint=row["request_fingerprint"], status=row["response_status"], body=row["response_body"]),
            request.fingerprint,
        )
        if isinstance(decision, KeyReused):
            return KeyReusedResult()
        return Replayed(StoredResponse(status=decision.status, body=decision.body))
