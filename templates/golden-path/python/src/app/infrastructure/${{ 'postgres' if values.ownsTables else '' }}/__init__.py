"""PostgreSQL: connections, the account store, migrations."""
