"""Dead letters as Dramatiq stores them and the portal reads them; no Redis."""

import json

from app.config import SERVICE
from app.infrastructure.jobs.dead_letters import parse_message, replayed_message, to_dead_letter
from app.infrastructure.jobs.definitions import job_definitions
from app.infrastructure.jobs.job_system import QUEUE_NAMES, dramatiq_namespace

STORED = {
    "queue_name": "default",
    "actor_name": f"{SERVICE.database_schema}.some_job",
    "args": [],
    "kwargs": {"account_id": "a-1"},
    "options": {
        "redis_message_id": "r-1",
        "retries": 4,
        "traceback": "Traceback (most recent call last):\n  ...\nConnectionError: refused\n",
        "eta": 1767225600000,
    },
    "message_id": "m-1",
    "message_timestamp": 1767225600000,
}


def test_uses_the_platform_queues_in_dramatiqs_shared_namespace() -> None:
    assert QUEUE_NAMES == ("critical", "high", "default", "low", "scheduled")
    assert dramatiq_namespace(None) == "dramatiq"
    # REDIS_NAMESPACE (development, tests) only ever prefixes it.
    assert dramatiq_namespace("dev-claire") == "dev-claire:dramatiq"


def test_reads_a_dead_letter_as_the_portal_does() -> None:
    letter = to_dead_letter("default", "r-1", 1767225660000, STORED)
    assert letter.id == "default/r-1"
    assert (letter.actor, letter.message_id, letter.kwargs) == (STORED["actor_name"], "m-1", {"account_id": "a-1"})
    # retries counts the attempts before the last one (the portal shows retries + 1).
    assert letter.attempts == 5
    assert letter.reason == "ConnectionError: refused"
    assert (letter.enqueued_at, letter.dead_lettered_at) == ("2026-01-01T00:00:00.000Z", "2026-01-01T00:01:00.000Z")
    assert parse_message("not json") is None
    assert parse_message(json.dumps({"no": "actor"})) is None


def test_replays_as_the_portal_does_same_message_id_retries_reset_no_eta() -> None:
    replayed = json.loads(replayed_message(json.dumps({**STORED, "queue_name": "default.DQ"}), "default", "r-2"))
    assert replayed["queue_name"] == "default"
    assert replayed["message_id"] == "m-1"
    assert replayed["options"]["retries"] == 0
    assert replayed["options"]["redis_message_id"] == "r-2"
    assert "eta" not in replayed["options"]
    # Everything else as stored.
    assert replayed["kwargs"] == STORED["kwargs"]
    assert replayed["options"]["traceback"] == STORED["options"]["traceback"]


def test_names_every_job_after_the_service_schema_on_a_platform_queue() -> None:
{%- if values.ownsTables %}
    definitions = job_definitions(accounts=None)  # type: ignore[arg-type]
{%- else %}
    definitions = job_definitions(client=None, key_prefix="svc")  # type: ignore[arg-type]
{%- endif %}
    assert definitions
    for definition in definitions:
        # The actor is `<schema>.<name>`: the portal's annotation dramatiq:<schema>. finds it.
        assert definition.name.isidentifier() and definition.name.islower()
        assert definition.queue in QUEUE_NAMES
        assert definition.attempts >= 1 and definition.backoff_ms > 0
