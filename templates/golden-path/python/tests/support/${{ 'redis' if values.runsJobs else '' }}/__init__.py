"""Redis of the test run (REDIS_URL; scripts/test-services.sh starts one
when it is not set): a key prefix (REDIS_NAMESPACE) of its own for each test
module, deleted afterwards, so runs sharing a Redis never collide."""

from __future__ import annotations

import json
import secrets
import uuid

import redis.asyncio

from tests.support.env import require_env


def new_namespace() -> str:
    """A REDIS_NAMESPACE of its own."""
    return f"test-{secrets.token_hex(4)}"


def connect() -> redis.asyncio.Redis:
    return redis.asyncio.from_url(require_env("REDIS_URL"))


async def delete_namespace(namespace: str) -> None:
    """Deletes every key of a namespace."""
    client = connect()
    try:
        async for batch in _scan(client, f"{namespace}:*"):
            await client.delete(*batch)
    finally:
        await client.aclose()


async def _scan(client: redis.asyncio.Redis, pattern: str):  # type: ignore[no-untyped-def]
    batch: list[bytes] = []
    async for key in client.scan_iter(match=pattern, count=500):
        batch.append(key)
        if len(batch) == 500:
            yield batch
            batch = []
    if batch:
        yield batch


#: The portal's replay (plugins/dlq-backend, DramatiqDeadLetters.ts), as it
#: runs it: claim the dead letter, drop its message, enqueue the new one the
#: way Dramatiq does, leave a marker for the request.
#: KEYS: <q>.XQ, <q>.XQ.msgs, <q>, <q>.msgs, marker; ARGV: id, new id, new JSON, marker TTL.
PORTAL_REPLAY_LUA = """
if redis.call('EXISTS', KEYS[5]) == 1 then
  return 2
end
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
redis.call('RPUSH', KEYS[3], ARGV[2])
redis.call('SET', KEYS[5], ARGV[2], 'EX', ARGV[4])
return 1
"""


async def portal_replay(client: redis.asyncio.Redis, namespace: str, queue: str, key: str) -> int:
    """What the portal's Replay button does to a Dramatiq dead letter
    (`namespace` is Dramatiq's: `<REDIS_NAMESPACE>:dramatiq` in the tests)."""
    raw = await client.hget(f"{namespace}:{queue}.XQ.msgs", key)
    assert raw is not None, f"no dead letter {queue}/{key}"
    message = json.loads(raw)
    new_key = str(uuid.uuid4())
    # dramatiqMessage.ts replayedMessage(): same message_id, canonical queue,
    # retries reset, a new broker id, no eta.
    options = {**message.get("options", {}), "retries": 0, "redis_message_id": new_key}
    options.pop("eta", None)
    replayed = json.dumps({**message, "queue_name": queue, "options": options})
    base = f"{namespace}:{queue}"
    return await client.eval(
        PORTAL_REPLAY_LUA,
        5,
        f"{base}.XQ",
        f"{base}.XQ.msgs",
        base,
        f"{base}.msgs",
        f"{namespace}:__portal__:done:{new_key}",
        key,
        new_key,
        replayed,
        86_400,
    )


def assert_portal_reads(raw: bytes | str, *, actor_prefix: str) -> dict:
    """The checks of the portal's parser (dramatiqMessage.ts: a loose
    Dramatiq message) and of its `dramatiq:<prefix>` filter."""
    message = json.loads(raw)
    assert isinstance(message["queue_name"], str)
    assert isinstance(message["actor_name"], str) and message["actor_name"]
    assert message["actor_name"].startswith(actor_prefix)
    assert isinstance(message["args"], list)
    assert isinstance(message["kwargs"], dict)
    options = message["options"]
    assert isinstance(options, dict)
    assert isinstance(options["redis_message_id"], str)
    assert isinstance(options["retries"], int) and options["retries"] >= 0
    assert options.get("traceback") is None or isinstance(options["traceback"], str)
    assert isinstance(message["message_id"], str) and message["message_id"]
    assert isinstance(message["message_timestamp"], int | float)
    return message
