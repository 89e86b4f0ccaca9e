"""SQL names and literals built from this service's own constants. Template
values never reach SQL any other way: statements use SCHEMA and bind
parameters."""

from __future__ import annotations

from app.config import SERVICE


def quote_identifier(name: str) -> str:
    """An SQL identifier in double quotes: nothing in the name is read as SQL."""
    if name == "" or "\x00" in name:
        raise ValueError(f"Not an SQL identifier: {name!r}")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """An SQL string literal, for the statements that take no bind parameters (COMMENT ON)."""
    if "\x00" in value:
        raise ValueError("An SQL string cannot hold NUL")
    return "'" + value.replace("'", "''") + "'"


#: The service's own schema, as SQL names it: every table the service owns
#: lives there (`SCHEMA.accounts`), so the portal's data-ownership catalog
#: lists them as `<schema>-<table>` under this service.
SCHEMA = quote_identifier(SERVICE.database_schema)
