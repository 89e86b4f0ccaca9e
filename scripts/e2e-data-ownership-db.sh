#!/usr/bin/env bash
# Creates the database the end-to-end backend's data-ownership provider reads
# live (packages/app/e2e-tests/app-config.e2e.yaml, dataOwnership.databases):
# the seed's six tables with their owner comments, plus an unowned table, a
# doubly claimed one, personal data and card data. Recreated from scratch on
# every run. Run it before the e2e backend starts (scripts/test.sh does).
#   LOCALPLUS_PG_HOST/PORT/USER/PASSWORD: the test PostgreSQL (scripts/services.sh)
#   LOCALPLUS_E2E_DATA_DB: database name (default localplus_e2e_data)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db="${LOCALPLUS_E2E_DATA_DB:-localplus_e2e_data}"
export PGHOST="${LOCALPLUS_PG_HOST:?run scripts/services.sh start and source its env}"
export PGPORT="${LOCALPLUS_PG_PORT:?}" PGUSER="${LOCALPLUS_PG_USER:?}" PGPASSWORD="${LOCALPLUS_PG_PASSWORD:-}"
export PGOPTIONS="-c client_min_messages=warning"
psql -v ON_ERROR_STOP=1 -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
psql -v ON_ERROR_STOP=1 -q -d "$db" \
  -f "$REPO_ROOT/plugins/catalog-backend-module-data-ownership/fixtures/local-plus-tables.sql"
echo "e2e-data-ownership-db: $db ready on $PGHOST:$PGPORT" >&2
