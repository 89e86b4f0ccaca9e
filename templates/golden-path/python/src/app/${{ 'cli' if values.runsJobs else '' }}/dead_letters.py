"""`python -m app.cli.dead_letters`: on-call's view of this service's dead
letters when the portal is not at hand. Run it in the service's pod, which
has REDIS_URL:

    kubectl -n <name> exec deploy/<name> -- python -m app.cli.dead_letters list
    kubectl -n <name> exec deploy/<name> -- python -m app.cli.dead_letters show <queue>/<id>
    kubectl -n <name> exec deploy/<name> -- python -m app.cli.dead_letters replay <queue>/<id>
    kubectl -n <name> exec deploy/<name> -- python -m app.cli.dead_letters discard <queue>/<id>

It acts on Dramatiq's dead letters exactly as the portal does (same keys,
same replay), on this service's actors only. Replay only once the cause is
fixed; see the dead-letters runbook. It keeps no audit trail: the portal does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict

from app.config import SERVICE, ConfigError, DeadLettersConfig, load_dead_letters_config
from app.infrastructure.jobs.dead_letters import DeadLetterNotFound
from app.infrastructure.jobs.job_system import JobSystem
from app.infrastructure.logger import create_logger
from app.infrastructure.metrics import Metrics


async def run(config: DeadLettersConfig, command: str, id: str | None) -> int:
    jobs = JobSystem(
        redis_url=config.redis_url,
        service_name=config.service_name,
        actor_prefix=f"{SERVICE.database_schema}.",
        metrics=Metrics(default_metrics=False),
        logger=create_logger(level=config.log_level, service_name=config.service_name),
        namespace=config.redis_namespace,
        ca_file=config.ca_file,
    )
    try:
        if command == "list":
            for letter in await jobs.dead_letters():
                print(
                    "\t".join(
                        [letter.id, letter.actor, f"attempts={letter.attempts}", letter.dead_lettered_at, letter.reason]
                    )
                )
        elif command == "show":
            assert id is not None
            print(json.dumps(asdict(await jobs.dead_letter(id)), indent=2))
        elif command == "replay":
            assert id is not None
            await jobs.replay_dead_letter(id)
            print(f"replayed {id}")
        else:
            assert id is not None
            await jobs.discard_dead_letter(id)
            print(f"discarded {id}")
        return 0
    except DeadLetterNotFound as error:
        print(str(error), file=sys.stderr)
        return 1
    finally:
        await jobs.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.cli.dead_letters",
        description="This service's dead letters (Dramatiq's, in REDIS_URL), as the portal shows and handles them.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="every dead letter of this service: id, job, attempts, when, error")
    for name, help in [
        ("show", "one dead letter in full (payload and traceback)"),
        ("replay", "put it back on its queue with a fresh set of attempts"),
        ("discard", "drop it for good"),
    ]:
        commands.add_parser(name, help=help).add_argument("id", help="<queue>/<id>, as `list` prints it")
    arguments = parser.parse_args(argv)
    try:
        return asyncio.run(run(load_dead_letters_config(), arguments.command, getattr(arguments, "id", None)))
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return 1
    except Exception as error:
        print(str(error) or type(error).__name__, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
