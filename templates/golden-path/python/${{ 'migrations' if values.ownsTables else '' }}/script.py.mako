"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
"""

from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

# Backward compatible with the version still running (expand, then contract
# in a later release). Every new table: in the service's schema, with
# COMMENT ON TABLE ... IS 'owned-by: <service>' (see 0001).


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    # Forward only: undo a change with a new migration.
    raise NotImplementedError("migrations are forward only")
