"""Sends Local-Plus tasks through real Dramatiq, and makes make start's demo
dead letters with them (localplus_actors.py has the actors).

  python localplus_dramatiq.py send < messages.json
      Sends each {"actor", "args", "kwargs", "delay_ms"?, "queue"?} with
      Dramatiq (an actor the worker does not define needs "queue") and
      prints the messages as Dramatiq enqueued them (JSON array). The broker
      is the one of LOCALPLUS_DRAMATIQ_* (see localplus_actors.py).

  python localplus_dramatiq.py nack-delayed <queue> <message_id>
      Takes that message off <queue>.DQ with Dramatiq's own consumer and
      rejects it, as a worker does with a delayed message that fails:
      Dramatiq files it under <queue>.XQ, not <queue>.DQ.XQ.

  python localplus_dramatiq.py maintenance <queue>
      Runs Dramatiq's queue maintenance on <queue> now (a worker runs it on
      a fraction of its commands): among others, it deletes the dead
      letters older than dead_message_ttl.

  python localplus_dramatiq.py demo <redis-url> [namespace]
      make start's demo dead letters: deletes the namespace's keys, marks
      the ledger's database, Kafka and the notification providers down,
      sends the tasks below and runs a Dramatiq worker until every one of
      them is dead-lettered (a few seconds), then leaves a backlog: 40
      tasks waiting on default and one delayed an hour on low.
"""

import json
import os
import re
import sys
import time

# The demo: svc-ledger's critical queue pages with 3, svc-wallet piles up 12
# on high, svc-notification has one on high and one on default. The same
# services, queues, counts and arguments as scripts/dev-dead-letters.cjs
# (the end-to-end tests' fixed state), but really run and really failed.
DEMO_DOWN = {
    "ledger-db": "the ledger's PostgreSQL primary is being failed over",
    "kafka": "the Kafka brokers are unreachable",
    "email-provider": "the e-mail provider is degraded",
    "sms-provider": "the SMS provider is degraded",
}
DEMO_EMAIL = {
    "to": "claire.martin@example.fr",
    "gift_card": "4111 1111 1111 1111",
    "refund_iban": "FR76 3000 6000 0112 3456 7890 189",
}
DEMO_SMS = {"to": "+33 6 12 34 56 78"}
DEMO_TASKS = [
    {"actor": "ledger.rollback_transaction", "args": ["5b0c2a4e-8f1d-4a43-9a57-2f0f4c7f1a10"], "kwargs": {"reason": "burn_failed"}},
    {"actor": "ledger.rollback_transaction", "args": ["c1f4e0b2-3d5a-4b7e-8e6f-9a0b1c2d3e4f"], "kwargs": {"reason": "burn_failed"}},
    {"actor": "ledger.raise_fraud_alert", "args": ["7e3f9a12-0b4c-4d5e-8f60-1a2b3c4d5e6f"], "kwargs": {"score": 0.97}},
    *(
        {"actor": "wallet.publish_balance_updated", "args": [f"0a1b2c3d-0000-4000-8000-{i:012d}"], "kwargs": {"version": 40 + i}}
        for i in range(12)
    ),
    # What confirmations really carry: the portal masks it (dlq-backend).
    {"actor": "notification.send_email_confirmation", "args": ["e-41d7"], "kwargs": DEMO_EMAIL},
    {"actor": "notification.send_sms_confirmation", "args": ["s-9c20"], "kwargs": DEMO_SMS},
]


DEMO_BACKLOG = [
    *({"actor": "analytics.track_event", "args": [f"ev-{i:04d}", "page_view"]} for i in range(40)),
    {"actor": "merchant.export_settlement_report", "args": ["m-12", "2026-11"], "delay_ms": 3_600_000},
]


def send(tasks):
    import dramatiq
    from localplus_actors import broker

    sent = []
    for task in tasks:
        delay = task.get("delay_ms")
        if "queue" in task:
            message = dramatiq.Message(
                queue_name=task["queue"],
                actor_name=task["actor"],
                args=tuple(task.get("args", [])),
                kwargs=task.get("kwargs", {}),
                options={},
            )
            sent.append(broker.enqueue(message, delay=delay))
        else:
            actor = broker.get_actor(task["actor"])
            sent.append(
                actor.send_with_options(
                    args=tuple(task.get("args", [])),
                    kwargs=task.get("kwargs", {}),
                    delay=delay,
                )
            )
    return [m.asdict() for m in sent]


def nack_delayed(queue, message_id, timeout_s=5.0):
    from dramatiq.common import dq_name
    from localplus_actors import broker

    consumer = broker.consume(dq_name(queue), prefetch=100, timeout=50)
    others = []
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            proxy = next(consumer)
            if proxy is None:
                continue
            if proxy.message_id != message_id:
                others.append(proxy)
                continue
            consumer.nack(proxy)
            return proxy._message.asdict()
        raise SystemExit(f"nack-delayed: message {message_id} is not on {dq_name(queue)}")
    finally:
        consumer.requeue(others)
        consumer.close()


def maintenance(queue):
    from dramatiq.brokers.redis import MAINTENANCE_SCALE
    from localplus_actors import broker

    broker.maintenance_chance = MAINTENANCE_SCALE
    broker.do_qsize(queue)


def demo(url, namespace, timeout_s=30.0):
    os.environ["LOCALPLUS_DRAMATIQ_REDIS_URL"] = url
    os.environ["LOCALPLUS_DRAMATIQ_NAMESPACE"] = namespace
    os.environ.setdefault("dramatiq_worker_timeout", "20")
    import logging

    import dramatiq
    from dramatiq import Worker
    from localplus_actors import ATTEMPTS, DOWN, QUEUES, broker

    # Every failure is on purpose: Dramatiq's log of each would drown the
    # dev services' log. What went wrong, if anything, is said below.
    logging.getLogger("dramatiq").setLevel(logging.CRITICAL)
    started = time.monotonic()
    redis = broker.client
    keys = list(redis.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        redis.delete(*keys)
    redis.hset(DOWN, mapping=DEMO_DOWN)
    messages = send(DEMO_TASKS)
    expected = {m["message_id"] for m in messages}

    def dead_lettered():
        found = set()
        for queue in QUEUES:
            for raw in redis.hvals(f"{namespace}:{queue}.XQ.msgs"):
                found.add(json.loads(raw)["message_id"])
        return found

    worker = Worker(broker, worker_threads=len(DEMO_TASKS))
    worker.start()
    try:
        while True:
            missing = expected - dead_lettered()
            if not missing:
                break
            if time.monotonic() - started > timeout_s:
                raise SystemExit(
                    f"demo: {len(missing)} of {len(expected)} tasks not dead-lettered "
                    f"after {timeout_s:.0f} s"
                )
            time.sleep(0.05)
    finally:
        worker.stop(timeout=5000)
        redis.delete(DOWN, ATTEMPTS)

    # A backlog for the Queue backlog card: tasks sent once the worker has
    # stopped wait on their queues (analytics on default, one report held
    # back for an hour on low.DQ), as they would behind busy workers.
    send(DEMO_BACKLOG)

    depth = {q: redis.zcard(f"{namespace}:{q}.XQ") for q in QUEUES}
    safe_url = re.sub(r"//[^@/]*@", "//***@", url)
    print(
        f"dev dead letters: {len(expected)} tasks run by Dramatiq {dramatiq.__version__} "
        f"and dead-lettered in {time.monotonic() - started:.1f} s "
        f"({', '.join(f'{q} {n}' for q, n in depth.items() if n)}) "
        f"in {safe_url}, namespace {namespace}"
    )


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "send":
        json.dump(send(json.load(sys.stdin)), sys.stdout)
    elif command == "nack-delayed" and len(argv) == 4:
        json.dump(nack_delayed(argv[2], argv[3]), sys.stdout)
    elif command == "maintenance" and len(argv) == 3:
        maintenance(argv[2])
    elif command == "demo" and len(argv) in (3, 4):
        demo(argv[2], argv[3] if len(argv) == 4 else "dramatiq")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
