import pytest

from app.domain.accounts.account import (
    LOW_BALANCE_THRESHOLD_MINOR,
    MAX_BALANCE_MINOR,
    Accepted,
    AccountState,
    Refused,
    TransactionRequest,
    decide_transaction,
    is_low_balance,
)

ACCOUNT = AccountState(balance=1_000, currency="EUR")


def tx(type: str, amount: object, currency: str = "EUR") -> TransactionRequest:
    return TransactionRequest(type=type, amount=amount, currency=currency, reference="order-1")  # type: ignore[arg-type]


def test_adds_credits_and_subtracts_debits() -> None:
    assert decide_transaction(ACCOUNT, tx("credit", 250)) == Accepted(1_250)
    assert decide_transaction(ACCOUNT, tx("debit", 250)) == Accepted(750)


def test_lets_a_debit_empty_the_account_but_never_overdraw_it() -> None:
    assert decide_transaction(ACCOUNT, tx("debit", 1_000)) == Accepted(0)
    assert decide_transaction(ACCOUNT, tx("debit", 1_001)) == Refused("insufficient-funds")


def test_refuses_another_currency() -> None:
    assert decide_transaction(ACCOUNT, tx("credit", 1, "GBP")) == Refused("currency-mismatch")


@pytest.mark.parametrize("amount", [0, -5, 10.5, True])
def test_refuses_amounts_that_are_not_positive_whole_minor_units(amount: object) -> None:
    assert decide_transaction(ACCOUNT, tx("credit", amount)) == Refused("invalid-amount")


def test_refuses_a_currency_that_is_no_code() -> None:
    assert decide_transaction(ACCOUNT, tx("credit", 1, "eur")) == Refused("invalid-currency")


def test_refuses_a_balance_above_the_maximum() -> None:
    full = AccountState(balance=MAX_BALANCE_MINOR, currency="EUR")
    assert decide_transaction(full, tx("credit", 1)) == Refused("balance-limit-exceeded")


def test_is_low_balance_strictly_below_the_threshold() -> None:
    assert is_low_balance(LOW_BALANCE_THRESHOLD_MINOR - 1)
    assert not is_low_balance(LOW_BALANCE_THRESHOLD_MINOR)
    assert is_low_balance(5, 10)
