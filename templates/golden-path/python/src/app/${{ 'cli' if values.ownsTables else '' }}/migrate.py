"""`python -m app.cli.migrate`: applies pending migrations/ to DATABASE_URL,
then exits. Runs before the new version starts (a Kubernetes Job or an init
step), and is safe to run twice or from two places at once.

    python -m app.cli.migrate             # the image's (or repository's) migrations/
    python -m app.cli.migrate --dir PATH  # another folder of migrations (tests)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from app.config import ConfigError, MigrationConfig, load_migration_config
from app.infrastructure.logger import create_logger
from app.infrastructure.postgres.migrator import MIGRATIONS_DIR, create_migration_engine, migrate


async def run(config: MigrationConfig, directory: Path) -> list[str]:
    logger = create_logger(level=config.log_level, service_name=config.service_name)
    engine = create_migration_engine(config)
    try:
        applied = await migrate(engine, service_name=config.service_name, directory=directory, log=logger.info)
    finally:
        await engine.dispose()
    logger.info(f"{len(applied)} migration(s) applied" if applied else "schema is up to date")
    return applied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli.migrate", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=MIGRATIONS_DIR, help="folder of the migrations")
    arguments = parser.parse_args(argv)
    try:
        asyncio.run(run(load_migration_config(), arguments.dir))
    except Exception as error:
        message = str(error) if isinstance(error, ConfigError) else (str(error) or type(error).__name__)
        sys.stderr.write(json.dumps({"level": "fatal", "message": message}) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
