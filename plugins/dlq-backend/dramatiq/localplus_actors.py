"""Local-Plus Dramatiq actors that fail for real, on a real Redis broker.

Used by the dead-letter plugin's tests (src/dramatiq.integration.test.ts)
and by make start's demo dead letters (localplus_dramatiq.py demo):
Dramatiq (pinned in scripts/python-requirements.txt) retries them and
dead-letters them, so the portal reads what Dramatiq really writes.

The actors are named like the seed's services (`<domain>.<action>`) and sit
on the seed's queues (critical, high, default, low, scheduled). Each one
calls the dependency it calls in production: a stand-in on loopback that
fails for real while the dependency is marked down, and is skipped (the
task succeeds) otherwise:

    HSET <namespace>:localplus:down <dependency> <why>   # its tasks fail
    HDEL <namespace>:localplus:down <dependency>         # they work again

PostgreSQL refuses the connection, Kafka never answers (timeout), the
e-mail and SMS providers answer 503. Every attempt is appended, as JSON, to
the list <namespace>:localplus:attempts (actor, message_id, queue_name,
retries before it, ok, error, args, kwargs).

Environment (read at import, as `dramatiq localplus_actors` imports it):
  LOCALPLUS_DRAMATIQ_REDIS_URL            redis://host:port/db (required)
  LOCALPLUS_DRAMATIQ_NAMESPACE            key prefix (Dramatiq's default: dramatiq)
  LOCALPLUS_DRAMATIQ_MAX_RETRIES          every actor's max_retries (default: each its own)
  LOCALPLUS_DRAMATIQ_BACKOFF_MS           min backoff of a retry (default 5; max 4x that)
  LOCALPLUS_DRAMATIQ_DEAD_MESSAGE_TTL_MS  Dramatiq's dead_message_ttl (default 7 days)
  LOCALPLUS_DRAMATIQ_MAINTENANCE_CHANCE   Dramatiq's maintenance_chance, per million commands
"""

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dramatiq
from dramatiq.brokers.redis import (
    DEFAULT_DEAD_MESSAGE_TTL,
    DEFAULT_MAINTENANCE_CHANCE,
    RedisBroker,
)
from dramatiq.middleware import Middleware, Retries


def _env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


NAMESPACE = os.environ.get("LOCALPLUS_DRAMATIQ_NAMESPACE") or "dramatiq"
DOWN = f"{NAMESPACE}:localplus:down"
#: Dependencies that hang (a lock wait, a slow query): tasks stay in flight.
STALLED = f"{NAMESPACE}:localplus:stalled"
ATTEMPTS = f"{NAMESPACE}:localplus:attempts"
#: The seed's queues (architecture 8.6.5), highest priority first.
QUEUES = ["critical", "high", "default", "low", "scheduled"]

broker = RedisBroker(
    url=os.environ["LOCALPLUS_DRAMATIQ_REDIS_URL"],
    namespace=NAMESPACE,
    dead_message_ttl=_env_int(
        "LOCALPLUS_DRAMATIQ_DEAD_MESSAGE_TTL_MS", DEFAULT_DEAD_MESSAGE_TTL
    ),
    maintenance_chance=_env_int(
        "LOCALPLUS_DRAMATIQ_MAINTENANCE_CHANCE", DEFAULT_MAINTENANCE_CHANCE
    ),
)


class AttemptLog(Middleware):
    """Appends every attempt to <namespace>:localplus:attempts. Added after
    Retries, so its after_process_message runs before Retries' (Dramatiq
    calls after_* hooks in reverse order): `retries` is the count the
    attempt started with."""

    def after_process_message(self, broker, message, *, result=None, exception=None):
        broker.client.rpush(
            ATTEMPTS,
            json.dumps(
                {
                    "actor": message.actor_name,
                    "message_id": message.message_id,
                    "redis_message_id": message.options.get("redis_message_id"),
                    "queue_name": message.queue_name,
                    "retries": message.options.get("retries", 0),
                    "ok": exception is None,
                    "error": None if exception is None else repr(exception),
                    "args": list(message.args),
                    "kwargs": message.kwargs,
                    "at": int(time.time() * 1000),
                }
            ),
        )


broker.add_middleware(AttemptLog(), after=Retries)
dramatiq.set_broker(broker)


# --- the dependencies' stand-ins, on loopback, made once per process ------


class DatabaseUnavailable(Exception):
    pass


class KafkaTimeoutError(Exception):
    pass


class ProviderUnavailable(Exception):
    pass


class _Refusing:
    """A bound port nobody listens on: connecting is refused."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]


class _Silent:
    """A listening port nobody reads from: a request times out."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = self.sock.getsockname()[1]


class _Answers503(BaseHTTPRequestHandler):
    def do_POST(self):
        body = b'{"errors":[{"message":"temporarily unavailable"}]}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


_stand_ins = {}
_stand_ins_lock = threading.Lock()


def _stand_in(kind):
    with _stand_ins_lock:
        if kind not in _stand_ins:
            if kind == "refusing":
                _stand_ins[kind] = _Refusing()
            elif kind == "silent":
                _stand_ins[kind] = _Silent()
            else:
                server = ThreadingHTTPServer(("127.0.0.1", 0), _Answers503)
                threading.Thread(target=server.serve_forever, daemon=True).start()
                _stand_ins[kind] = server
        return _stand_ins[kind]


def _is_down(dependency):
    return broker.client.hexists(DOWN, dependency)


def query_postgres(dependency, sql):
    """Runs `sql` on the service's database (down: the connection is refused;
    stalled: it waits, at most a minute, until the stall is lifted)."""
    deadline = time.monotonic() + 60
    while broker.client.hexists(STALLED, dependency) and time.monotonic() < deadline:
        time.sleep(0.05)
    if not _is_down(dependency):
        return
    port = _stand_in("refusing").port
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError as error:
        raise DatabaseUnavailable(
            f"connection to {dependency} (PostgreSQL at 127.0.0.1:{port}) failed: {error.strerror}"
        ) from error


def publish_event(topic, key, value):
    """Publishes to Kafka (down: the broker never answers within 50 ms)."""
    if not _is_down("kafka"):
        return
    port = _stand_in("silent").port
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.05) as conn:
            conn.sendall(json.dumps({"topic": topic, "key": key, "value": value}).encode())
            conn.recv(1)
    except TimeoutError as error:
        raise KafkaTimeoutError(
            f"no answer from the Kafka broker at 127.0.0.1:{port} within 50 ms (topic {topic})"
        ) from error


def call_provider(dependency, path, payload):
    """POSTs to an e-mail or SMS provider (down: it answers 503)."""
    if not _is_down(dependency):
        return
    server = _stand_in("http503")
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=2).close()
    except urllib.error.HTTPError as error:
        raise ProviderUnavailable(
            f"{dependency} answered {error.code} {error.reason} for POST {url}"
        ) from error


# --- the actors ------------------------------------------------------------


def actor(name, queue, max_retries):
    """A Dramatiq actor with its production retry count (or the tests' own)
    and a short backoff, so that it reaches the dead letters quickly."""
    backoff = _env_int("LOCALPLUS_DRAMATIQ_BACKOFF_MS", 5)
    return dramatiq.actor(
        actor_name=name,
        queue_name=queue,
        max_retries=_env_int("LOCALPLUS_DRAMATIQ_MAX_RETRIES", max_retries),
        min_backoff=backoff,
        max_backoff=4 * backoff,
    )


@actor("ledger.rollback_transaction", "critical", 5)
def rollback_transaction(transaction_id, reason):
    query_postgres("ledger-db", "UPDATE ledger.transactions SET status = 'rolled_back'")


@actor("ledger.raise_fraud_alert", "critical", 3)
def raise_fraud_alert(transaction_id, score):
    publish_event("ledger.fraud-alerts", transaction_id, {"score": score})


@actor("wallet.publish_balance_updated", "high", 20)
def publish_balance_updated(wallet_id, version):
    publish_event("wallet.balance-updated", wallet_id, {"version": version})


@actor("notification.send_email_confirmation", "high", 20)
def send_email_confirmation(notification_id, to=None, **template):
    call_provider("email-provider", "/v3/mail/send", {"id": notification_id})


@actor("notification.send_sms_confirmation", "default", 20)
def send_sms_confirmation(notification_id, to=None):
    call_provider("sms-provider", "/v1/messages", {"id": notification_id})


@actor("analytics.track_event", "default", 20)
def track_event(event_id, name):
    publish_event("analytics.events", event_id, {"name": name})


@actor("merchant.export_settlement_report", "low", 5)
def export_settlement_report(merchant_id, period):
    query_postgres("merchant-db", "SELECT * FROM merchant.settlements")


@actor("wallet.reconcile_balances", "scheduled", 3)
def reconcile_balances(day):
    query_postgres("wallet-db", "SELECT wallet_id, balance FROM wallet.wallets")


@actor("giftcard.expire_cards", "scheduled", 3)
def expire_cards(day):
    query_postgres("giftcard-db", "UPDATE giftcard.cards SET status = 'expired'")
