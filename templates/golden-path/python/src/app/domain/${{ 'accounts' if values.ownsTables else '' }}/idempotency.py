"""Idempotency-Key (IETF draft-ietf-httpapi-idempotency-key-header): a client
retrying a write sends the same key; the service answers with the first
response instead of writing twice. The key is bound to the request it came
with through a fingerprint, so reusing a key for a different request is an
error, not a silent replay. (The key's format is checked against the OpenAPI
document before a request gets here.)"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Literal


def canonical_json(value: object) -> str:
    """JSON with object keys sorted, at every depth, so `{a,b}` and `{b,a}`
    fingerprint alike. A whole float (1.0) is written as the integer it is."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical_json(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def request_fingerprint(method: str, path: str, body: object) -> str:
    """Method, path and body: what makes two requests "the same request"."""
    text = f"{method.upper()} {path}\n{canonical_json(body)}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    body: str


@dataclass(frozen=True)
class Replay:
    status: int
    body: str
    kind: Literal["replay"] = "replay"


@dataclass(frozen=True)
class KeyReused:
    kind: Literal["key-reused"] = "key-reused"


def decide_replay(stored: StoredResponse, fingerprint: str) -> Replay | KeyReused:
    """What to answer when a key was already used."""
    if stored.fingerprint == fingerprint:
        return Replay(stored.status, stored.body)
    return KeyReused()
