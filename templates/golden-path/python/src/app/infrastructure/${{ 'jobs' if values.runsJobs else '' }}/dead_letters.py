"""Dead letters in Dramatiq's own layout, as the portal reads them.

Dramatiq's Redis broker keeps a message that failed its last attempt (or
failed in a way retrying cannot fix) for `dead_message_ttl` (7 days) in two
keys per queue, shared by every service on that queue:

    <namespace>:<queue>.XQ        sorted set: broker message id, scored by the
                                  time it was dead-lettered (ms)
    <namespace>:<queue>.XQ.msgs   hash: broker message id -> the message (JSON)

The message is Dramatiq's own (queue_name, actor_name, args, kwargs,
options.retries, options.traceback, message_id, message_timestamp). This
service's messages are those whose actor name starts with `<schema>.`: the
portal (plugins/dlq-backend, annotation `dramatiq:<schema>.`), the alert and
`python -m app.cli.dead_letters` all find them by that prefix. Payloads
carry identifiers only, never personal data, so a dead letter can be shown
as it is.

A replay does what the portal's does, in one step: claim the dead letter
(ZREM: one of two replays wins), and enqueue the message the way Dramatiq
does (HSET <queue>.msgs, RPUSH <queue>) with the same message_id, on its
queue, retries reset, a new broker id and no eta.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: KEYS: <q>.XQ, <q>.XQ.msgs, <q>, <q>.msgs; ARGV: dead letter id, new id, new JSON.
#: Returns 1 when replayed, 0 when the dead letter was gone (replayed, discarded or expired).
REPLAY_LUA = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[2])
return 1
"""

#: KEYS: <q>.XQ, <q>.XQ.msgs; ARGV: dead letter id. 1 when discarded, 0 when gone.
DISCARD_LUA = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""


class DeadLetterNotFound(Exception):
    """No such dead letter of this service (any more)."""


def _iso(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class DeadLetter:
    #: `<queue>/<broker message id>`: what the CLI takes.
    id: str
    queue: str
    #: Dramatiq's broker message id (options.redis_message_id), the key in the sorted set.
    key: str
    message_id: str
    actor: str
    args: list[Any]
    kwargs: dict[str, Any]
    #: Attempts made: the retries before the last attempt, plus that attempt.
    attempts: int
    #: The last failure's traceback (Dramatiq's options.traceback).
    traceback: str | None
    enqueued_at: str
    dead_lettered_at: str

    @property
    def reason(self) -> str:
        """The traceback's last line: the exception and its message."""
        lines = [line for line in (self.traceback or "").strip().splitlines() if line.strip()]
        return lines[-1].strip() if lines else "(no traceback)"


def parse_message(raw: bytes | str | None) -> dict[str, Any] | None:
    """A stored message as Dramatiq wrote it, or None when it is not one."""
    if raw is None:
        return None
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("actor_name"), str):
        return None
    return message


def to_dead_letter(queue: str, key: str, score: float, message: Mapping[str, Any]) -> DeadLetter:
    options = message.get("options") or {}
    retries = options.get("retries") or 0
    return DeadLetter(
        id=f"{queue}/{key}",
        queue=queue,
        key=key,
        message_id=str(message.get("message_id")),
        actor=message["actor_name"],
        args=list(message.get("args") or []),
        kwargs=dict(message.get("kwargs") or {}),
        attempts=int(retries) + 1,
        traceback=options.get("traceback"),
        enqueued_at=_iso(float(message.get("message_timestamp") or 0)),
        dead_lettered_at=_iso(score),
    )


def replayed_message(raw: bytes | str, queue: str, new_key: str) -> str:
    """The message to enqueue again, as the portal builds it: the same
    message_id, on its canonical queue, retries reset, a new broker id and no
    eta (it runs now); everything else as stored."""
    message = json.loads(raw)
    options = {**(message.get("options") or {}), "retries": 0, "redis_message_id": new_key}
    options.pop("eta", None)
    return json.dumps({**message, "queue_name": queue, "options": options}, separators=(",", ":"))


def new_key() -> str:
    return str(uuid.uuid4())
