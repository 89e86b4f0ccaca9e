"""Accounts hold a balance in minor units of one currency. This module only
decides; reading and writing rows (under a row lock) is the
infrastructure's job."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.domain.money import is_currency_code, is_minor_amount

TransactionType = Literal["credit", "debit"]
TRANSACTION_TYPES: tuple[TransactionType, ...] = ("credit", "debit")

#: Balances stay below this, so they fit a bigint (and a JavaScript number, for clients).
MAX_BALANCE_MINOR = 1_000_000_000_000_000

#: Below this balance (minor units) a balance-threshold check reports the account.
LOW_BALANCE_THRESHOLD_MINOR = 1_000

Rejection = Literal[
    "invalid-amount",
    "invalid-currency",
    "currency-mismatch",
    "insufficient-funds",
    "balance-limit-exceeded",
]


@dataclass(frozen=True)
class AccountState:
    balance: int
    currency: str


@dataclass(frozen=True)
class TransactionRequest:
    type: TransactionType
    amount: int
    currency: str
    reference: str


@dataclass(frozen=True)
class Accepted:
    balance_after: int
    ok: Literal[True] = True


@dataclass(frozen=True)
class Refused:
    reason: Rejection
    ok: Literal[False] = False


Decision = Accepted | Refused


def decide_transaction(account: AccountState, request: TransactionRequest) -> Decision:
    if not is_minor_amount(request.amount):
        return Refused("invalid-amount")
    if not is_currency_code(request.currency):
        return Refused("invalid-currency")
    if request.currency != account.currency:
        return Refused("currency-mismatch")

    balance_after = account.balance + request.amount if request.type == "credit" else account.balance - request.amount
    # A debit may empty an account, never overdraw it.
    if balance_after < 0:
        return Refused("insufficient-funds")
    if balance_after > MAX_BALANCE_MINOR:
        return Refused("balance-limit-exceeded")
    return Accepted(balance_after)


def is_low_balance(balance: int, threshold: int = LOW_BALANCE_THRESHOLD_MINOR) -> bool:
    return balance < threshold
