from dataclasses import dataclass

from app.domain.accounts.access import NewOwner, NoOwner, can_post, can_read, owner_for_new_account


@dataclass(frozen=True)
class Caller:
    subject: str
    scopes: frozenset[str]


def member(subject: str) -> Caller:
    return Caller(subject, frozenset())


def service(*scopes: str) -> Caller:
    return Caller("svc-caller", frozenset(scopes))


def test_lets_a_member_act_on_their_own_account_only_and_never_credit_it() -> None:
    assert can_read(member("m-1"), "m-1").allowed
    assert not can_read(member("m-2"), "m-1").allowed
    assert can_post(member("m-1"), "debit", "m-1").allowed
    assert not can_post(member("m-2"), "debit", "m-1").allowed
    assert not can_post(member("m-1"), "credit", "m-1").allowed


def test_lets_services_act_through_their_scopes_whoever_owns_the_account() -> None:
    assert can_read(service("accounts:read"), "m-1").allowed
    assert not can_post(service("accounts:read"), "debit", "m-1").allowed
    assert can_post(service("accounts:write"), "credit", "m-1").allowed
    # A scope of another API grants nothing here, and does not make the caller a member.
    assert can_read(service("orders:read"), "svc-caller").allowed
    assert not can_read(service("orders:read"), "m-1").allowed


def test_gives_a_new_account_its_owner() -> None:
    assert owner_for_new_account(member("m-1"), None) == NewOwner("m-1")
    assert owner_for_new_account(member("m-1"), "m-1") == NewOwner("m-1")
    refused = owner_for_new_account(member("m-1"), "m-2")
    assert isinstance(refused, NoOwner) and refused.status == 403
    assert owner_for_new_account(service("accounts:write"), "m-2") == NewOwner("m-2")
    unnamed = owner_for_new_account(service("accounts:write"), None)
    assert isinstance(unnamed, NoOwner) and unnamed.status == 400
    read_only = owner_for_new_account(service("accounts:read"), "m-2")
    assert isinstance(read_only, NoOwner) and read_only.status == 403
