"""Alembic's environment: how migrations/versions/ are applied.

Online, only through `python -m app.cli.migrate` (migrator.py hands over its
connection, which holds the migration lock and has the migration time-outs).
Offline (`alembic upgrade head --sql`), the SQL is printed.
"""

from __future__ import annotations

from alembic import context

from app.config import SERVICE
from app.infrastructure.postgres.migrator import VERSION_TABLE

config = context.config
settings = {
    "target_metadata": None,
    # In the service's own schema, like every table it owns.
    "version_table": VERSION_TABLE,
    "version_table_schema": SERVICE.database_schema,
    # A failed migration leaves the ones before it applied, and nothing of itself.
    "transaction_per_migration": True,
}

if context.is_offline_mode():
    context.configure(url="postgresql://", literal_binds=True, **settings)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit(
            "Apply migrations with `python -m app.cli.migrate` (task migrate): it takes the "
            "migration lock and sets the migration time-outs."
        )
    context.configure(connection=connection, on_version_apply=config.attributes.get("on_version_apply"), **settings)
    with context.begin_transaction():
        context.run_migrations()
