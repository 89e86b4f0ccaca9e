"""Dramatiq on a real Redis: the starter job, retries with exponential
backoff, dead letters in Dramatiq's own layout (what the portal reads),
replay by the portal and by the CLI, other services' messages on a shared
queue left alone, and the metrics of all that."""

import asyncio
{%- if not values.ownsTables %}
import datetime
{%- endif %}
import io
import itertools
import json
import os
import sys
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import dramatiq
import pytest
import redis.asyncio
from pydantic import BaseModel

from app.config import SERVICE
from app.infrastructure.jobs.dead_letters import DeadLetter, DeadLetterNotFound
{%- if values.ownsTables %}
from app.infrastructure.jobs.definitions import BALANCE_THRESHOLD_CHECK
{%- else %}
from app.infrastructure.jobs.definitions import POINTS_QUOTED, tally_key
{%- endif %}
from app.infrastructure.jobs.job_system import JobContext, JobDefinition, JobSystem, in_daemon_thread
from app.infrastructure.logger import create_logger
from app.infrastructure.metrics import Metrics
from tests.support.env import require_env
{%- if values.publishesEvents %}
from tests.support.outbox import RecordingPublisher
{%- endif %}
from tests.support.polling import eventually
from tests.support.redis import assert_portal_reads, connect, delete_namespace, portal_replay
from tests.support.service import RunningService, request, sample_value, start_service

PREFIX = f"{SERVICE.database_schema}."


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[redis.asyncio.Redis]:
    connection = connect()
    yield connection
    await connection.aclose()


@pytest.fixture(scope="module")
def log() -> io.StringIO:
    return io.StringIO()


@pytest.fixture(scope="module")
async def service(service_env: dict[str, str], log: io.StringIO) -> AsyncIterator[RunningService]:
    # Background work runs: the workers are under test{% if values.publishesEvents %} (the outbox relay with
    # them, so it gets somewhere to publish){% endif %}.
    running = await start_service(
        service_env,
        logger=create_logger(level="info", service_name=SERVICE.name, stream=log),
{%- if values.publishesEvents %}
        publisher=RecordingPublisher(),
{%- endif %}
    )
    yield running
    await running.stop()


def logged(log: io.StringIO, message: str) -> list[dict[str, Any]]:
    return [line for line in map(json.loads, log.getvalue().splitlines()) if line["message"] == message]


async def scrape(service: RunningService) -> str:
    return (await request(service.management_url, "GET", "/metrics")).text
{%- if values.ownsTables %}


async def test_runs_the_balance_check_after_a_debit(service: RunningService, log: io.StringIO) -> None:
    created = await request(service.base_url, "POST", "/v1/accounts", body={"currency": "EUR", "ownerId": "member-1"})
    account = created.body["id"]

    async def post(kind: str, amount: int) -> int:
        res = await request(
            service.base_url,
            "POST",
            f"/v1/accounts/{account}/transactions",
            body={"type": kind, "amount": amount, "currency": "EUR", "reference": "order-1"},
            headers={"idempotency-key": str(uuid.uuid4())},
        )
        return res.status

    assert await post("credit", 1_500) == 201
    assert await post("debit", 1_000) == 201

    async def completed() -> None:
        done = {"queue": "default", "outcome": "completed"}
        assert sample_value(await scrape(service), "jobs_processed_total", done) == 1

    await eventually(completed)
    [warning] = logged(log, "account balance below threshold")
    assert (warning["accountId"], warning["balance"], warning["threshold"]) == (account, 500, 1_000)
    assert warning["job"] == f"{PREFIX}{BALANCE_THRESHOLD_CHECK}"
    text = await scrape(service)
    assert sample_value(text, "job_queue_jobs", {"queue": "default", "state": "waiting"}) == 0
    assert sample_value(text, "job_queue_jobs", {"queue": "default", "state": "dead_lettered"}) == 0
{%- else %}


async def test_tallies_quoted_points_with_the_points_quoted_job(
    service: RunningService, client: redis.asyncio.Redis
) -> None:
    quote = await request(
        service.base_url, "POST", "/v1/quotes/points", body={"amount": 10_000, "currency": "EUR", "tier": "gold"}
    )
    assert quote.status == 200
    assert service.app.jobs is not None
    key = tally_key(service.app.jobs.key_prefix, datetime.datetime.now(datetime.UTC).date())

    async def counted() -> None:
        assert await client.hget(key, "gold") == b"200"

    await eventually(counted)
    assert 0 < await client.ttl(key) <= 35 * 86_400
    text = await scrape(service)
    assert sample_value(text, "jobs_processed_total", {"queue": "low", "outcome": "completed"}) == 1
    assert sample_value(text, "job_queue_jobs", {"queue": "low", "state": "waiting"}) == 0
    assert POINTS_QUOTED == "points_quoted"
{%- endif %}


# --- failures: real jobs that fail on purpose, run by the real worker ------


class Subject(BaseModel):
    id: str


class StrictSubject(BaseModel):
    id: uuid.UUID


class Downstream:
    """What the test jobs call: it refuses until an id is healed."""

    def __init__(self) -> None:
        self.attempts: dict[str, list[float]] = {}
        self.healed: set[str] = set()
        #: Ids that are refused this many times, then healed.
        self.refusals: dict[str, int] = {}

    async def call(self, payload: Subject, context: JobContext) -> None:
        attempts = self.attempts.setdefault(payload.id, [])
        attempts.append(time.monotonic())
        if payload.id in self.refusals and len(attempts) > self.refusals[payload.id]:
            self.healed.add(payload.id)
        if payload.id not in self.healed:
            raise ConnectionError(f"downstream refused {payload.id}")


@pytest.fixture(scope="module")
def downstream() -> Downstream:
    return Downstream()


@pytest.fixture(scope="module")
def failures_namespace(redis_namespace: str) -> str:
    return f"{redis_namespace}-failures"


@pytest.fixture(scope="module")
async def jobs(downstream: Downstream, failures_namespace: str, log: io.StringIO) -> AsyncIterator[JobSystem]:
    system = JobSystem(
        redis_url=require_env("REDIS_URL"),
        service_name=SERVICE.name,
        actor_prefix=PREFIX,
        metrics=Metrics(default_metrics=False),
        logger=create_logger(level="info", service_name=SERVICE.name, stream=log),
        namespace=failures_namespace,
    )
    system.define(
        JobDefinition(name="flaky", queue="high", attempts=4, backoff_ms=200, payload=Subject, handle=downstream.call),
        JobDefinition(
            name="fragile", queue="default", attempts=1, backoff_ms=100, payload=Subject, handle=downstream.call
        ),
        JobDefinition(
            name="strict", queue="critical", attempts=5, backoff_ms=200, payload=StrictSubject, handle=_nothing
        ),
    )
    system.start_workers()
    yield system
    await system.close()
    await delete_namespace(failures_namespace)


async def _nothing(payload: BaseModel, context: JobContext) -> None:
    pass


def metric(jobs: JobSystem, name: str, labels: dict[str, str]) -> float | None:
    return sample_value(jobs._metrics.exposition()[0].decode(), name, labels)


async def dead_letter_of(jobs: JobSystem, message_id: str) -> DeadLetter:
    async def find() -> DeadLetter:
        found = [letter for letter in await jobs.dead_letters() if letter.message_id == message_id]
        assert found, f"no dead letter for message {message_id} yet"
        return found[0]

    return await eventually(find, within=20)


async def test_retries_with_exponential_backoff_then_dead_letters_in_dramatiqs_layout(
    jobs: JobSystem, downstream: Downstream, client: redis.asyncio.Redis
) -> None:
    id = str(uuid.uuid4())
    message_id = await jobs.enqueue("flaky", {"id": id})
    letter = await dead_letter_of(jobs, message_id)

    times = downstream.attempts[id]
    assert len(times) == 4
    gaps = [round((later - earlier) * 1000) for earlier, later in itertools.pairwise(times)]
    # 200 ms, 400 ms, 800 ms at least: each wait the backoff, doubling (Dramatiq adds up to as much again).
    assert gaps[0] >= 195 and gaps[1] >= 395 and gaps[2] >= 795, gaps

    # Where the portal looks: <namespace>:high.XQ and .XQ.msgs, the message as Dramatiq stores it.
    assert letter.queue == "high"
    assert await client.zscore(f"{jobs.namespace}:high.XQ", letter.key) is not None
    stored = assert_portal_reads(await client.hget(f"{jobs.namespace}:high.XQ.msgs", letter.key), actor_prefix=PREFIX)
    assert stored["actor_name"] == f"{PREFIX}flaky"
    assert stored["kwargs"] == {"id": id}
    assert stored["message_id"] == message_id
    # retries + 1 attempts, and the last failure's traceback.
    assert stored["options"]["retries"] == 3
    assert stored["options"]["traceback"].rstrip().endswith(f"ConnectionError: downstream refused {id}")
    assert letter.attempts == 4

    await jobs._metrics.refresh()
    assert metric(jobs, "jobs_processed_total", {"queue": "high", "outcome": "retried"}) == 3
    assert metric(jobs, "jobs_processed_total", {"queue": "high", "outcome": "dead_lettered"}) == 1
    assert metric(jobs, "job_queue_jobs", {"queue": "high", "state": "dead_lettered"}) == 1
    assert metric(jobs, "job_queue_jobs", {"queue": "critical", "state": "dead_lettered"}) == 0

    # Fixed downstream: a replay runs it again with fresh attempts, and it
    # completes. Two replays at once (two clicks, or the CLI's and the
    # portal's): one wins, the other is told, and the job runs once.
    downstream.healed.add(id)
    outcomes = await asyncio.gather(
        jobs.replay_dead_letter(letter.id), jobs.replay_dead_letter(letter.id), return_exceptions=True
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["DeadLetter", "DeadLetterNotFound"]

    async def completed() -> None:
        assert metric(jobs, "jobs_processed_total", {"queue": "high", "outcome": "completed"}) == 1

    await eventually(completed)
    assert len(downstream.attempts[id]) == 5
    assert [letter for letter in await jobs.dead_letters() if letter.message_id == message_id] == []
    await jobs._metrics.refresh()
    assert metric(jobs, "job_queue_jobs", {"queue": "high", "state": "dead_lettered"}) == 0


async def test_retries_a_failed_attempt_which_then_succeeds(jobs: JobSystem, downstream: Downstream) -> None:
    def processed(outcome: str) -> float:
        return metric(jobs, "jobs_processed_total", {"queue": "high", "outcome": outcome}) or 0

    before = {outcome: processed(outcome) for outcome in ("retried", "completed", "dead_lettered")}
    id = str(uuid.uuid4())
    downstream.refusals[id] = 1
    message_id = await jobs.enqueue("flaky", {"id": id})

    await eventually(lambda: _equal(processed("completed"), before["completed"] + 1))
    # Refused once, then done on its first retry: nothing dead-lettered.
    assert len(downstream.attempts[id]) == 2
    assert processed("retried") == before["retried"] + 1
    assert processed("dead_lettered") == before["dead_lettered"]
    assert [letter for letter in await jobs.dead_letters() if letter.message_id == message_id] == []


async def test_runs_a_dead_letter_the_portal_replays(
    jobs: JobSystem, downstream: Downstream, client: redis.asyncio.Redis
) -> None:
    id = str(uuid.uuid4())
    message_id = await jobs.enqueue("fragile", {"id": id})
    letter = await dead_letter_of(jobs, message_id)
    # One attempt in all: dead-lettered after the first failure.
    assert (letter.attempts, len(downstream.attempts[id])) == (1, 1)

    downstream.healed.add(id)
    assert await portal_replay(client, jobs.namespace, letter.queue, letter.key) == 1

    async def ran_again() -> None:
        assert len(downstream.attempts[id]) == 2
        assert metric(jobs, "jobs_processed_total", {"queue": "default", "outcome": "completed"}) == 1

    await eventually(ran_again)
    assert await client.zcard(f"{jobs.namespace}:default.XQ") == 0


async def test_dead_letters_at_once_what_cannot_be_processed_and_the_cli_lists_and_discards_it(
    jobs: JobSystem, client: redis.asyncio.Redis, failures_namespace: str
) -> None:
    # As an older producer might send them: straight to the queue, without enqueue()'s validation.
    invalid = dramatiq.Message(
        queue_name="critical", actor_name=f"{PREFIX}strict", args=(), kwargs={"id": "not-a-uuid"}, options={}
    )
    unknown = dramatiq.Message(queue_name="critical", actor_name=f"{PREFIX}no_such_job", args=(), kwargs={}, options={})
    for message in (invalid, unknown):
        await in_daemon_thread(jobs.broker.enqueue, message)

    bad_payload = await dead_letter_of(jobs, invalid.message_id)
    no_handler = await dead_letter_of(jobs, unknown.message_id)
    assert bad_payload.attempts == 1
    assert "PermanentJobError: Invalid payload: id:" in bad_payload.reason
    assert no_handler.attempts == 1
    assert "ActorNotFound" in no_handler.reason
    await jobs._metrics.refresh()
    assert metric(jobs, "job_queue_jobs", {"queue": "critical", "state": "dead_lettered"}) == 2

    env = {"REDIS_URL": require_env("REDIS_URL"), "REDIS_NAMESPACE": failures_namespace}
    code, out, _ = await run_cli(env, "list")
    assert code == 0
    # <queue>/<id>, job, attempts=<n>, dead-lettered at, error: one line each, oldest first.
    listed = {row[0]: row for row in (line.split("\t") for line in out.splitlines())}
    assert listed[bad_payload.id][1:3] == [f"{PREFIX}strict", "attempts=1"]
    assert listed[no_handler.id][1:3] == [f"{PREFIX}no_such_job", "attempts=1"]
    assert listed[bad_payload.id][4] == bad_payload.reason
    for letter in (bad_payload, no_handler):
        assert (await run_cli(env, "discard", letter.id))[:2] == (0, f"discarded {letter.id}\n")
    code, _, err = await run_cli(env, "discard", bad_payload.id)
    assert code == 1
    assert "already replayed or discarded" in err
    await jobs._metrics.refresh()
    assert metric(jobs, "job_queue_jobs", {"queue": "critical", "state": "dead_lettered"}) == 0


async def test_the_cli_replays_a_dead_letter(jobs: JobSystem, downstream: Downstream, failures_namespace: str) -> None:
    id = str(uuid.uuid4())
    letter = await dead_letter_of(jobs, await jobs.enqueue("fragile", {"id": id}))
    downstream.healed.add(id)
    env = {"REDIS_URL": require_env("REDIS_URL"), "REDIS_NAMESPACE": failures_namespace}
    assert (await run_cli(env, "replay", letter.id))[:2] == (0, f"replayed {letter.id}\n")
    await eventually(lambda: _equal(len(downstream.attempts[id]), 2))
    code, _, err = await run_cli(env, "replay", letter.id)
    assert code == 1
    assert "already replayed or discarded" in err


async def test_leaves_other_services_messages_on_a_shared_queue_alone(
    jobs: JobSystem, downstream: Downstream, client: redis.asyncio.Redis, log: io.StringIO
) -> None:
    # Another service's actor on the same queue (the platform's queues are
    # shared): this service's workers must neither run nor dead-letter it.
    foreign = dramatiq.Message(
        queue_name="high", actor_name="someoneelse.send_receipt", args=(), kwargs={"id": "r-1"}, options={}
    )
    sent = await in_daemon_thread(jobs.broker.enqueue, foreign)
    id = str(uuid.uuid4())
    downstream.healed.add(id)
    await jobs.enqueue("flaky", {"id": id})
    await eventually(lambda: _equal(len(downstream.attempts.get(id, [])), 1))
    await asyncio.sleep(0.5)
    # Still waiting on its queue (or being handed back), never dead-lettered.
    assert await client.hexists(f"{jobs.namespace}:high.msgs", sent.options["redis_message_id"])
    assert await client.zscore(f"{jobs.namespace}:high.XQ", sent.options["redis_message_id"]) is None
    [warning] = logged(log, "a message of another service's actor was taken from a shared queue; put back")
    assert (warning["queue"], warning["actor"]) == ("high", "someoneelse.send_receipt")


async def test_refuses_to_enqueue_an_invalid_payload_or_an_unknown_job(jobs: JobSystem) -> None:
    with pytest.raises(ValueError):
        await jobs.enqueue("strict", {"id": "nope"})
    with pytest.raises(ValueError, match="Unknown job"):
        await jobs.enqueue("no_such_job", {})
    with pytest.raises(DeadLetterNotFound):
        await jobs.replay_dead_letter("nowhere/123")


async def run_cli(env: dict[str, str], *arguments: str) -> tuple[int, str, str]:
    """`python -m app.cli.dead_letters`, as on-call runs it in a pod."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli.dead_letters",
        *arguments,
        env={"PATH": os.environ.get("PATH", ""), **env},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(child.communicate(), 30)
    return child.returncode or 0, out.decode(), err.decode()


def _equal(actual: Any, expected: Any) -> None:
    assert actual == expected
