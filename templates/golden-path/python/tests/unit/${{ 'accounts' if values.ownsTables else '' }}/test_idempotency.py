import re

from app.domain.accounts.idempotency import (
    KeyReused,
    Replay,
    StoredResponse,
    canonical_json,
    decide_replay,
    request_fingerprint,
)


def test_serialises_objects_with_sorted_keys_at_every_depth() -> None:
    assert (
        canonical_json({"b": 1, "a": {"d": [2, {"f": 1, "e": 0}], "c": None}})
        == '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}'
    )
    assert canonical_json({"amount": 100.0}) == canonical_json({"amount": 100})


def test_fingerprints_the_same_request_alike_whatever_the_key_order() -> None:
    a = request_fingerprint("POST", "/v1/accounts/x/transactions", {"type": "credit", "amount": 5})
    b = request_fingerprint("post", "/v1/accounts/x/transactions", {"amount": 5, "type": "credit"})
    assert a == b
    assert re.fullmatch(r"[0-9a-f]{64}", a)


def test_fingerprints_different_bodies_paths_or_methods_differently() -> None:
    base = request_fingerprint("POST", "/p", {"amount": 5})
    assert request_fingerprint("POST", "/p", {"amount": 6}) != base
    assert request_fingerprint("POST", "/q", {"amount": 5}) != base
    assert request_fingerprint("PUT", "/p", {"amount": 5}) != base


def test_replays_the_stored_response_only_for_the_same_fingerprint() -> None:
    stored = StoredResponse(fingerprint="abc", status=201, body='{"id":1}')
    assert decide_replay(stored, "abc") == Replay(201, '{"id":1}')
    assert decide_replay(stored, "abd") == KeyReused()
