from app.domain.events.account_events import account_opened, transaction_posted

TRANSACTION = {
    "id": "t-1",
    "account_id": "a-1",
    "type": "debit",
    "amount": 300,
    "currency": "EUR",
    "balance_after": 700,
    "created_at": "2026-01-01T00:00:00.000Z",
}


def test_keys_events_by_account_and_names_them_after_the_transaction_type() -> None:
    debited = transaction_posted(**TRANSACTION)
    assert (debited.type, debited.aggregate_type, debited.aggregate_id) == ("account.debited", "account", "a-1")
    assert transaction_posted(**{**TRANSACTION, "type": "credit"}).type == "account.credited"
    opened = account_opened(id="a-1", owner_id="member-1", currency="EUR", created_at=TRANSACTION["created_at"])
    assert (opened.type, opened.aggregate_type, opened.aggregate_id) == ("account.opened", "account", "a-1")
    assert opened.payload == {
        "accountId": "a-1",
        "ownerId": "member-1",
        "currency": "EUR",
        "openedAt": TRANSACTION["created_at"],
    }


def test_carries_ids_and_amounts_only_not_the_client_reference() -> None:
    assert transaction_posted(**TRANSACTION).payload == {
        "accountId": "a-1",
        "transactionId": "t-1",
        "amount": 300,
        "currency": "EUR",
        "balanceAfter": 700,
        "postedAt": TRANSACTION["created_at"],
    }
