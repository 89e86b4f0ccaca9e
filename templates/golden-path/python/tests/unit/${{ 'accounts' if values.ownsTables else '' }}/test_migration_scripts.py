"""The migrations folder, read without a database."""

import re
from pathlib import Path

from alembic.script import ScriptDirectory

from app.infrastructure.postgres.migrator import MIGRATIONS_DIR, alembic_config


def test_is_one_line_of_history_named_nnnn_name() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, "one head: merge branches before they land"
    revisions = list(reversed(list(script.walk_revisions())))
    for position, revision in enumerate(revisions, start=1):
        name = Path(revision.path).name
        assert re.fullmatch(r"\d{4}_[a-z0-9_]+\.py", name), name
        assert revision.revision == name[:4], f"{name}: revision id {revision.revision!r}"
        assert int(revision.revision) == position, f"{name}: versions are numbered without gaps"
    assert Path(revisions[0].path).name == "0001_create_accounts.py"


def test_every_table_is_created_in_the_service_schema_with_its_owner() -> None:
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text()
        created = re.findall(r"CREATE TABLE (\S+)", text)
        commented = re.findall(r"COMMENT ON TABLE (\S+) IS \{OWNED_BY\}", text)
        assert all(name.startswith("{SCHEMA}.") for name in created), path.name
        assert sorted(created) == sorted(commented), path.name
