"""Dramatiq on Valkey/Redis, run inside the service's own process.

- Queues: the platform's (seed 8.6.5), shared by every service in Dramatiq's
  namespace `dramatiq`: critical, high, default, low, scheduled. This
  service's actors are named `<schema>.<job>` (SERVICE.database_schema), the
  prefix the portal's dead-letter tab, the alert and the CLI find them by.
- Retries: a failed attempt is retried with exponential backoff (Dramatiq's
  Retries: the n-th retry waits between backoff·2^(n-1) and twice that);
  after the last attempt, or at once when retrying cannot help
  (PermanentJobError: invalid payload), the message is dead-lettered into
  Dramatiq's `<namespace>:<queue>.XQ` (see dead_letters.py), with the last
  failure's traceback.
- Workers: a Dramatiq Worker (consumer and worker threads) in this process,
  started by App.start() and stopped within SHUTDOWN_TIMEOUT_MS. A job's
  handler is a coroutine: the worker thread runs it on the service's event
  loop (run_coroutine_threadsafe), so it uses the same PostgreSQL pool and
  Redis client as the API, and waits for it.
- Shared queues: a message of another service's actor that this service's
  consumer takes is put back on its queue untouched (never dead-lettered
  here), for that service's workers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import q_name
from dramatiq.middleware import Middleware, Retries
from pydantic import BaseModel, ValidationError

from app.infrastructure.jobs.dead_letters import (
    DISCARD_LUA,
    REPLAY_LUA,
    DeadLetter,
    DeadLetterNotFound,
    new_key,
    parse_message,
    replayed_message,
    to_dead_letter,
)
from app.infrastructure.jobs.redis_client import async_client, sync_client
from app.infrastructure.logger import Logger
from app.infrastructure.metrics import JobCount, Metrics

QueueName = Literal["critical", "high", "default", "low", "scheduled"]
#: The platform's queues, highest priority first (seed 8.6.5).
QUEUE_NAMES: tuple[QueueName, ...] = ("critical", "high", "default", "low", "scheduled")
#: Among the messages a pod holds, Dramatiq runs the lowest priority first.
QUEUE_PRIORITY: dict[str, int] = {name: rank * 10 for rank, name in enumerate(QUEUE_NAMES)}
#: Jobs run at once per pod, all queues together.
WORKER_THREADS = 8
#: How often an idle consumer looks for messages (and how fast workers notice a stop).
IDLE_POLL_MS = 500
#: Longest wait before a retry.
MAX_BACKOFF_MS = 3_600_000
#: How long Dramatiq keeps a dead letter (its default; the portal assumes it too).
DEAD_MESSAGE_TTL_MS = 7 * 86_400_000
#: An API request that enqueues a job waits at most this long for Redis.
ENQUEUE_TIMEOUT_SECONDS = 2.0
#: Pause of a consumer that only found other services' messages.
FOREIGN_PAUSE_SECONDS = 0.2
#: Dead letters whose actor is remembered for the job_queue_jobs gauge.
MAX_REMEMBERED = 100_000
#: The newest dead letters of each (shared) queue a scrape looks at: past
#: that many, the gauge is a lower bound (the alerts fire far below it).
MAX_COUNTED = 20_000
#: Dramatiq's key namespace, shared by every service (REDIS_NAMESPACE prefixes it).
DRAMATIQ_NAMESPACE = "dramatiq"

P = TypeVar("P", bound=BaseModel)


class PermanentJobError(Exception):
    """Retrying cannot help (an invalid payload): the message is dead-lettered at once."""


@dataclass(frozen=True)
class JobContext:
    logger: Logger
    queue: str
    message_id: str
    #: 1 for the first attempt.
    attempt: int


@dataclass(frozen=True)
class JobDefinition(Generic[P]):
    """One kind of job. The payload (Dramatiq kwargs) is validated with
    `payload` before `handle` runs (it comes back from Redis, possibly written
    by an older version) and holds identifiers only, never personal data."""

    #: snake_case; the actor is `<schema>.<name>`.
    name: str
    queue: QueueName
    #: Attempts in total, the first one included.
    attempts: int
    #: First retry delay (at least); each next one doubles.
    backoff_ms: int
    payload: type[P]
    handle: Callable[[P, JobContext], Awaitable[Any]]
    #: Longest one attempt may run; past it the attempt fails (and is retried).
    timeout_seconds: float = 60.0


def dramatiq_namespace(prefix: str | None) -> str:
    """Dramatiq's key namespace: `dramatiq`, or `<REDIS_NAMESPACE>:dramatiq`."""
    return f"{prefix}:{DRAMATIQ_NAMESPACE}" if prefix else DRAMATIQ_NAMESPACE


def _problems(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in issue['loc']) or 'payload'}: {issue['msg']}"
        for issue in error.errors(include_url=False)
    )


async def in_daemon_thread(function: Callable[..., Any], *args: Any) -> Any:
    """Runs a blocking call (redis-py, Dramatiq) in a thread of its own that
    never holds the process back at exit (the default executor's threads are
    joined then: a call stuck on an unreachable Redis would be waited for)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():  # the caller stopped waiting
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def run() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as caught:
            error = caught
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass

    threading.Thread(target=run, name="redis-call", daemon=True).start()
    return await future


class JobSystem:
    def __init__(
        self,
        *,
        redis_url: str,
        service_name: str,
        actor_prefix: str,
        metrics: Metrics,
        logger: Logger,
        namespace: str | None = None,
        ca_file: str | None = None,
    ) -> None:
        #: Dramatiq's key namespace (the portal reads `dramatiq`).
        self.namespace = dramatiq_namespace(namespace)
        #: `<namespace:><service>`: the start of this service's own Redis keys.
        self.key_prefix = f"{namespace}:{service_name}" if namespace else service_name
        #: `<schema>.`: every actor of this service starts with it.
        self.actor_prefix = actor_prefix
        self._metrics = metrics
        self._logger = logger
        #: Dramatiq's connection (its worker threads, enqueueing): blocking.
        self._client = sync_client(redis_url, ca_file)
        #: The service's own (readiness, metrics, dead letters, jobs' keys): asyncio.
        self.redis = async_client(redis_url, ca_file)
        self._events = _JobEvents(self)
        self.broker = _ServiceBroker(
            actor_prefix=actor_prefix,
            on_foreign=self._on_foreign,
            client=self._client,
            namespace=self.namespace,
            dead_message_ttl=DEAD_MESSAGE_TTL_MS,
            # Ours first: Dramatiq calls after_* hooks in reverse order, so it
            # sees each attempt's outcome once Retries has decided it.
            middleware=[self._events, Retries(max_retries=0, max_backoff=MAX_BACKOFF_MS)],
        )
        self._definitions: dict[str, JobDefinition[Any]] = {}
        self._actors: dict[str, dramatiq.Actor[Any, Any]] = {}
        self._worker: dramatiq.Worker | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: set[concurrent.futures.Future[Any]] = set()
        self._warned_foreign: set[tuple[str, str]] = set()
        #: `<queue>\n<key>` → whether the dead letter is one of ours (a dead letter never changes).
        self._ours: OrderedDict[str, bool] = OrderedDict()
        self._replay = self.redis.register_script(REPLAY_LUA)
        self._discard = self.redis.register_script(DISCARD_LUA)
        metrics.observe_job_queues(self.counts)

    # --- jobs ---------------------------------------------------------------

    def actor_name(self, name: str) -> str:
        return f"{self.actor_prefix}{name}"

    def define(self, *definitions: JobDefinition[Any]) -> JobSystem:
        """Registers kinds of jobs; every process that enqueues or runs them must."""
        for definition in definitions:
            if definition.name in self._definitions:
                raise ValueError(f"Job {definition.name} is defined twice")
            if definition.attempts < 1:
                raise ValueError(f"Job {definition.name}: at least one attempt")
            self._definitions[definition.name] = definition
            self._actors[definition.name] = dramatiq.Actor(
                self._runner(definition),
                broker=self.broker,
                actor_name=self.actor_name(definition.name),
                queue_name=definition.queue,
                priority=QUEUE_PRIORITY[definition.queue],
                options={
                    "max_retries": definition.attempts - 1,
                    "min_backoff": definition.backoff_ms,
                    "max_backoff": MAX_BACKOFF_MS,
                    "throws": (PermanentJobError,),
                },
            )
        return self

    async def enqueue(self, name: str, payload: Mapping[str, Any] | BaseModel) -> str:
        """Validates the payload and adds a job; returns its message id.
        Raises when Redis does not take it within ENQUEUE_TIMEOUT_SECONDS."""
        definition = self._definitions.get(name)
        if definition is None:
            raise ValueError(f"Unknown job {name}")
        data = payload.model_dump() if isinstance(payload, BaseModel) else payload
        model = definition.payload.model_validate(data)
        message = self._actors[name].message_with_options(kwargs=model.model_dump(mode="json"))
        await asyncio.wait_for(in_daemon_thread(self.broker.enqueue, message), ENQUEUE_TIMEOUT_SECONDS)
        return message.message_id

    def start_workers(self) -> None:
        """Starts the Dramatiq worker (its threads) on the queues of the defined jobs."""
        if self._worker is not None:
            return
        self._loop = asyncio.get_running_loop()
        # Each attempt's outcome is logged by _JobEvents, in the service's
        # format; Dramatiq's own lines about them would say it twice.
        logging.getLogger("dramatiq.worker.WorkerThread").setLevel(logging.CRITICAL)
        logging.getLogger("dramatiq.middleware.retries.Retries").setLevel(logging.ERROR)
        worker = dramatiq.Worker(self.broker, worker_threads=WORKER_THREADS, worker_timeout=IDLE_POLL_MS)
        worker.start()
        self._worker = worker

    def _runner(self, definition: JobDefinition[Any]) -> Callable[..., None]:
        actor = self.actor_name(definition.name)

        def run(*args: Any, **kwargs: Any) -> None:
            # In a Dramatiq worker thread.
            if args:
                raise PermanentJobError("Invalid payload: positional arguments (jobs take keyword arguments)")
            try:
                payload = definition.payload.model_validate(kwargs)
            except ValidationError as error:
                raise PermanentJobError(f"Invalid payload: {_problems(error)}") from None
            message = self._events.current()
            retries = message.options.get("retries", 0) if message is not None else 0
            message_id = message.message_id if message is not None else ""
            context = JobContext(
                logger=self._logger.child(queue=definition.queue, job=actor, messageId=message_id, attempt=retries + 1),
                queue=definition.queue,
                message_id=message_id,
                attempt=retries + 1,
            )
            loop = self._loop
            if loop is None or loop.is_closed():
                raise RuntimeError("the service's event loop is not running")
            future = asyncio.run_coroutine_threadsafe(definition.handle(payload, context), loop)
            self._running.add(future)
            try:
                future.result(timeout=definition.timeout_seconds)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise TimeoutError(f"{actor} ran longer than {definition.timeout_seconds} s") from None
            except concurrent.futures.CancelledError:
                raise RuntimeError(f"{actor} was cut short by the shutdown") from None
            finally:
                self._running.discard(future)

        run.__name__ = run.__qualname__ = definition.name
        return run

    def _on_foreign(self, queue: str, actors: list[str]) -> None:
        for actor in actors:
            if (queue, actor) not in self._warned_foreign and len(self._warned_foreign) < 1_000:
                self._warned_foreign.add((queue, actor))
                self._logger.warn(
                    "a message of another service's actor was taken from a shared queue; put back",
                    queue=queue,
                    actor=actor,
                )

    # --- state --------------------------------------------------------------

    async def ping(self) -> None:
        """For /readyz: fails while Redis is unreachable."""
        await self.redis.ping()

    async def counts(self) -> list[JobCount]:
        """Jobs per queue and state, for the job_queue_jobs gauge. The queues
        are shared: waiting, active and delayed are the queues' totals (as
        the portal shows them); failed and dead_lettered are this service's
        dead letters (Dramatiq keeps a failed message only as a dead letter,
        for 7 days)."""
        ns = self.namespace
        workers = [w.decode() for w in await self.redis.zrange(f"{ns}:__heartbeats__", 0, -1)]
        pipe = self.redis.pipeline(transaction=False)
        for queue in QUEUE_NAMES:
            pipe.llen(f"{ns}:{queue}")
            pipe.llen(f"{ns}:{queue}.DQ")
            for worker in workers:
                pipe.scard(f"{ns}:__acks__.{worker}.{queue}")
                pipe.scard(f"{ns}:__acks__.{worker}.{queue}.DQ")
        answers = iter(await pipe.execute())
        dead = await self._dead_letter_counts()
        counts: list[JobCount] = []
        for queue in QUEUE_NAMES:
            waiting = int(next(answers))
            delayed = int(next(answers))
            active = 0
            for _ in workers:
                active += int(next(answers))
                delayed += int(next(answers))
            counts += [
                JobCount(queue, "waiting", waiting),
                JobCount(queue, "active", active),
                JobCount(queue, "delayed", delayed),
                JobCount(queue, "failed", dead[queue]),
                JobCount(queue, "dead_lettered", dead[queue]),
            ]
        return counts

    async def _dead_letter_counts(self) -> dict[str, int]:
        """This service's dead letters per queue, among the newest MAX_COUNTED
        of the queue: the actor of each entry is read once (HMGET in batches)
        and remembered."""
        counts = dict.fromkeys(QUEUE_NAMES, 0)
        for queue in QUEUE_NAMES:
            newest = await self.redis.zrange(f"{self.namespace}:{queue}.XQ", 0, MAX_COUNTED - 1, desc=True)
            keys = [k.decode() for k in newest]
            unknown = [key for key in keys if f"{queue}\n{key}" not in self._ours]
            for start in range(0, len(unknown), 500):
                batch = unknown[start : start + 500]
                raws = await self.redis.hmget(f"{self.namespace}:{queue}.XQ.msgs", batch)
                for key, raw in zip(batch, raws, strict=True):
                    if raw is None:
                        continue  # discarded meanwhile: not remembered
                    message = parse_message(raw)
                    self._remember(f"{queue}\n{key}", message is not None and self._is_ours(message["actor_name"]))
            counts[queue] = sum(1 for key in keys if self._ours.get(f"{queue}\n{key}"))
        return counts

    def _remember(self, entry: str, ours: bool) -> None:
        if len(self._ours) >= MAX_REMEMBERED:
            for _ in range(MAX_REMEMBERED // 10):
                self._ours.popitem(last=False)
        self._ours[entry] = ours

    def _is_ours(self, actor: str) -> bool:
        return actor.startswith(self.actor_prefix)

    # --- dead letters ------------------------------------------------------

    async def dead_letters(self) -> list[DeadLetter]:
        """This service's dead letters, oldest first."""
        letters: list[DeadLetter] = []
        for queue in QUEUE_NAMES:
            entries = await self.redis.zrange(f"{self.namespace}:{queue}.XQ", 0, -1, withscores=True)
            for start in range(0, len(entries), 500):
                batch = entries[start : start + 500]
                raws = await self.redis.hmget(f"{self.namespace}:{queue}.XQ.msgs", [key for key, _ in batch])
                for (key, score), raw in zip(batch, raws, strict=True):
                    message = parse_message(raw)
                    if message is not None and self._is_ours(message["actor_name"]):
                        letters.append(to_dead_letter(queue, key.decode(), score, message))
        return sorted(letters, key=lambda letter: letter.dead_lettered_at)

    async def dead_letter(self, id: str) -> DeadLetter:
        queue, key = self._parse_id(id)
        xq = f"{self.namespace}:{queue}.XQ"
        score, raw = await asyncio.gather(self.redis.zscore(xq, key), self.redis.hget(f"{xq}.msgs", key))
        message = parse_message(raw)
        if score is None or message is None:
            raise DeadLetterNotFound(f"No dead letter {id}: already replayed or discarded, or expired")
        if not self._is_ours(message["actor_name"]):
            raise DeadLetterNotFound(f"Dead letter {id} is not one of this service's (actors {self.actor_prefix}*)")
        return to_dead_letter(queue, key, score, message)

    async def replay_dead_letter(self, id: str) -> DeadLetter:
        """Puts a dead letter back on its queue with a fresh set of attempts,
        as the portal does; of two replays at once, one wins and the other
        raises DeadLetterNotFound. Only replay once the cause is fixed (see
        the runbook)."""
        letter = await self.dead_letter(id)
        xq = f"{self.namespace}:{letter.queue}.XQ"
        raw = await self.redis.hget(f"{xq}.msgs", letter.key)
        if raw is None:
            raise DeadLetterNotFound(f"No dead letter {id}: already replayed or discarded")
        key = new_key()
        queue = f"{self.namespace}:{letter.queue}"
        done = await self._replay(
            keys=[xq, f"{xq}.msgs", queue, f"{queue}.msgs"],
            args=[letter.key, key, replayed_message(raw, letter.queue, key)],
        )
        if not done:
            raise DeadLetterNotFound(f"Dead letter {id} was already replayed or discarded")
        return letter

    async def discard_dead_letter(self, id: str) -> DeadLetter:
        """Drops a dead letter for good (after it was handled by hand)."""
        letter = await self.dead_letter(id)
        xq = f"{self.namespace}:{letter.queue}.XQ"
        if not await self._discard(keys=[xq, f"{xq}.msgs"], args=[letter.key]):
            raise DeadLetterNotFound(f"Dead letter {id} was already replayed or discarded")
        return letter

    def _parse_id(self, id: str) -> tuple[str, str]:
        queue, _, key = id.partition("/")
        if queue not in QUEUE_NAMES or not key:
            raise DeadLetterNotFound(
                f"No dead letter {id}: ids are <queue>/<key>, <queue> one of {', '.join(QUEUE_NAMES)}"
            )
        return queue, key

    # --- shutdown -----------------------------------------------------------

    async def close(self) -> None:
        """Lets running jobs finish, then stops the worker's threads and
        closes the connections. Waits for Redis while it is away (Dramatiq
        retries acknowledgements until it answers): bound it, then abort()."""
        worker = self._worker
        if worker is not None:
            # Dramatiq's own stop, in a thread: its threads join, in-memory
            # messages go back to their queues.
            await in_daemon_thread(worker.stop, 600_000)
            self._worker = None
        await self.redis.aclose()
        await in_daemon_thread(self._client.close)

    def abort(self) -> None:
        """Stops waiting for jobs and Redis. A job cut short stays in
        Dramatiq's acknowledgement set, and Dramatiq's maintenance puts it
        back on its queue once this worker's heartbeat is a minute old: it
        runs again."""
        worker = self._worker
        if worker is not None:
            for thread in worker.workers:
                thread.stop()
            for consumer in worker.consumers.values():
                consumer.stop()
        for future in list(self._running):
            future.cancel()


class _JobEvents(Middleware):
    """Each attempt's outcome: metrics, one log line, and the dead letter as
    the portal shows it (the last failure's traceback)."""

    #: KEYS: <q>.msgs; ARGV: broker id, message. Rewrites a message still there.
    _REWRITE = """
    if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
    end
    return 1
    """

    def __init__(self, jobs: JobSystem) -> None:
        self._jobs = jobs
        self._local = threading.local()

    def current(self) -> Any:
        """The message the calling worker thread is processing."""
        return getattr(self._local, "message", None)

    def before_process_message(self, broker: Any, message: Any) -> None:
        self._local.message = message
        # Retries counts up after a failure; the attempt started with this.
        self._local.retries = message.options.get("retries", 0)

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: BaseException | None = None
    ) -> None:
        queue = q_name(message.queue_name)
        fields = {
            "queue": queue,
            "job": message.actor_name,
            "messageId": message.message_id,
            "attempt": getattr(self._local, "retries", 0) + 1,
        }
        if exception is None:
            self._jobs._metrics.job_processed(queue, "completed")
        elif message.failed:
            self._jobs._logger.error("job dead-lettered", err=exception, **fields)
        else:
            self._jobs._metrics.job_processed(queue, "retried")
            self._jobs._logger.warn("job failed, will retry", err=exception, **fields)

    def before_nack(self, broker: Any, message: Any) -> None:
        """Dramatiq moves the message as it was enqueued (the previous
        failure's traceback, if any) into <queue>.XQ: it gets this failure's
        traceback, and the retries made before this last attempt."""
        options = dict(message.options)
        if getattr(self._local, "message", None) is message:
            options["retries"] = self._local.retries
        error = getattr(message, "_exception", None)
        if error is not None:
            options["traceback"] = "".join(traceback.format_exception(error, limit=30))
        options.pop("eta", None)
        data = {**message.asdict(), "options": options}
        data["args"] = list(data["args"])
        queue = f"{self._jobs.namespace}:{message.queue_name}.msgs"
        broker.client.eval(
            self._REWRITE,
            1,
            queue,
            options["redis_message_id"],
            json.dumps(data, separators=(",", ":"), default=str),
        )

    def after_nack(self, broker: Any, message: Any) -> None:
        self._jobs._metrics.job_processed(q_name(message.queue_name), "dead_lettered")
        if getattr(self._local, "message", None) is not message:
            # Not processed by a worker: an actor of this service's that this
            # version does not define (the consumer dead-letters it at once).
            self._jobs._logger.error(
                "job dead-lettered", queue=q_name(message.queue_name), job=message.actor_name, reason="unknown job"
            )
        self._local.message = None


class _ServiceBroker(RedisBroker):
    """Dramatiq's Redis broker, whose consumers leave other services' messages alone."""

    def __init__(self, *, actor_prefix: str, on_foreign: Callable[[str, list[str]], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.actor_prefix = actor_prefix
        self.on_foreign = on_foreign

    def consume(self, queue_name: str, prefetch: int = 1, timeout: int = 5000) -> _OwnMessages:
        return _OwnMessages(self, queue_name, prefetch, timeout)


class _OwnMessages(_RedisConsumer):
    """A consumer of a shared queue. Dramatiq dead-letters a message whose
    actor its worker does not know; on a queue shared with other services
    that would dead-letter their work. A message of another service's actor
    is put back on its queue instead (Dramatiq's own requeue), and the
    consumer pauses when it found nothing else. Messages of this service's
    actors that this version does not define are dead-lettered, as Dramatiq
    does. Delay queues (<queue>.DQ) are left as they are: their messages
    only wait there and go back to their queue."""

    broker: _ServiceBroker

    def __next__(self) -> Any:
        if self.queue_name.endswith(".DQ"):
            return super().__next__()
        foreign: list[Any] = []
        while True:
            message = super().__next__()
            if message is None or message.actor_name.startswith(self.broker.actor_prefix):
                break
            foreign.append(message)
            self.queued_message_ids.discard(message.message_id)
            if not self.message_cache:
                message = None
                break
        if foreign:
            try:
                self.requeue(foreign)
            except redis.ConnectionError as error:
                from dramatiq.errors import ConnectionClosed

                raise ConnectionClosed(error) from None
            self.broker.on_foreign(self.queue_name, [m.actor_name for m in foreign])
            if message is None:
                time.sleep(FOREIGN_PAUSE_SECONDS)
        return message
