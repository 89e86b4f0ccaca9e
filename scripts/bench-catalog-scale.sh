#!/usr/bin/env bash
# The catalog at the platform's scale (scripts/bench/catalog-scale.ts): a
# stock Backstage backend and the portal's production build, one after the
# other, each loading the same 10,000 generated entities from files on the
# test services' PostgreSQL; figures side by side. BENCH_ENTITIES and
# BENCH_SAMPLES change the sizes; BENCH_SHORT=1 (make test, after the
# production build) runs 600 entities only to check it still works.
# Needs `yarn tsc && yarn build:all`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

stop_services=:
trap '$stop_services' EXIT
if [ -z "${LOCALPLUS_PG_HOST:-}" ]; then
  bash scripts/services.sh start
  stop_services='bash scripts/services.sh stop'
  # shellcheck disable=SC1091
  source "${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
fi
node --require @backstage/cli/config/nodeTransform.cjs scripts/bench/catalog-scale.ts
