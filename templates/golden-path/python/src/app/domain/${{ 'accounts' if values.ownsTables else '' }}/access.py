"""Who may do what with an account. Pure rules, applied by the HTTP routes to
the caller of a verified token:

- a member (a token without scopes) opens their own account, reads it and
  spends from it; crediting would mint money, so it is for services only;
- a service holding `accounts:read` reads any account; holding
  `accounts:write` it also opens accounts for a member and posts credits and
  debits on any account.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Literal, Protocol

from app.domain.accounts.account import TransactionType


class SCOPES:
    read = "accounts:read"
    write = "accounts:write"


class Caller(Protocol):
    @property
    def subject(self) -> str: ...

    @property
    def scopes(self) -> Set[str]: ...


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str = ""


ALLOWED = Access(True)


def _refused(reason: str) -> Access:
    return Access(False, reason)


def _is_service(caller: Caller) -> bool:
    return SCOPES.read in caller.scopes or SCOPES.write in caller.scopes


@dataclass(frozen=True)
class NewOwner:
    owner_id: str
    ok: Literal[True] = True


@dataclass(frozen=True)
class NoOwner:
    status: Literal[400, 403]
    reason: str
    ok: Literal[False] = False


def owner_for_new_account(caller: Caller, requested_owner: str | None) -> NewOwner | NoOwner:
    """The owner a new account gets, or why it cannot be opened."""
    if SCOPES.write in caller.scopes:
        if requested_owner:
            return NewOwner(requested_owner)
        return NoOwner(400, "A service opens an account for a member: give ownerId")
    if _is_service(caller):
        return NoOwner(403, f"Opening an account needs the {SCOPES.write} scope")
    if requested_owner is not None and requested_owner != caller.subject:
        return NoOwner(403, "A member opens accounts for themselves only")
    return NewOwner(caller.subject)


def can_read(caller: Caller, owner_id: str) -> Access:
    if SCOPES.read in caller.scopes or SCOPES.write in caller.scopes:
        return ALLOWED
    if _is_service(caller) or caller.subject != owner_id:
        return _refused("This account belongs to someone else")
    return ALLOWED


def can_post(caller: Caller, type: TransactionType, owner_id: str) -> Access:
    """Whether the caller may post this kind of transaction on an account of `owner_id`."""
    if SCOPES.write in caller.scopes:
        return ALLOWED
    if _is_service(caller):
        return _refused(f"Posting a transaction needs the {SCOPES.write} scope")
    if caller.subject != owner_id:
        return _refused("This account belongs to someone else")
    if type == "credit":
        return _refused(f"Only a service with the {SCOPES.write} scope credits an account")
    return ALLOWED
