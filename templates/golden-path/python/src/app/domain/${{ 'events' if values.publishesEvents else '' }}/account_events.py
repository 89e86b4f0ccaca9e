"""Events this service publishes on its Kafka topic (SERVICE.event_topic),
through the outbox. They carry identifiers and amounts only, never personal
data: consumers that need more ask this service's API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from app.domain.accounts.account import TransactionType

EventType = Literal["account.opened", "account.credited", "account.debited"]


@dataclass(frozen=True)
class DomainEvent:
    type: EventType
    aggregate_type: Literal["account"]
    #: Becomes the Kafka message key: one account, one partition, in order.
    aggregate_id: str
    payload: dict[str, Any]


def account_opened(*, id: str, owner_id: str, currency: str, created_at: str) -> DomainEvent:
    return DomainEvent(
        type="account.opened",
        aggregate_type="account",
        aggregate_id=id,
        payload={"accountId": id, "ownerId": owner_id, "currency": currency, "openedAt": created_at},
    )


def transaction_posted(
    *,
    id: str,
    account_id: str,
    type: TransactionType,
    amount: int,
    currency: str,
    balance_after: int,
    created_at: str,
) -> DomainEvent:
    """The client's reference is not in it: an opaque text of the caller's, not this service's to publish."""
    return DomainEvent(
        type="account.credited" if type == "credit" else "account.debited",
        aggregate_type="account",
        aggregate_id=account_id,
        payload={
            "accountId": account_id,
            "transactionId": id,
            "amount": amount,
            "currency": currency,
            "balanceAfter": balance_after,
            "postedAt": created_at,
        },
    )
