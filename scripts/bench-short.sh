#!/usr/bin/env bash
# Every benchmark file of scripts/bench.sh in short mode (BENCH_SHORT=1: tiny
# sizes, 2 runs), so make test notices one that a change broke: each prints
# its figures, and one that fails fails this script (after the others ran).
# Needs the test services (scripts/services.sh start) for data ownership and
# the golden path (PostgreSQL, Redis, Kafka).
# Not here, as they need what make test builds later or take minutes:
#   - frontend bundle and backend start-up figures (the production build);
#   - scripts/bench-start.sh (two portal starts, minutes; BENCH_SHORT=1 too).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"
export BENCH_SHORT=1

services_env="${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
if [ -z "${LOCALPLUS_PG_HOST:-}" ] && [ -f "$services_env" ]; then
  # shellcheck disable=SC1090
  source "$services_env"
fi

declare -a failed=() timings=()
# bench <name> <file> [what is missing, if anything]
bench() {
  local name="$1" file="$2" missing="${3:-}" start=$SECONDS
  echo; echo "== $name ($file, short)"
  if [ -n "$missing" ]; then
    echo "skipped: $missing"
    # make test runs with every service: missing there is a failure.
    [ -z "${LOCALPLUS_REQUIRE_SERVICES:-}" ] || failed+=("$name ($missing)")
    return 0
  fi
  if node --expose-gc --require @backstage/cli/config/nodeTransform.cjs "$file"; then
    timings+=("$(printf '%-16s %4ss' "$name" $((SECONDS - start)))")
  else
    failed+=("$name")
  fi
}

bench "data ownership" plugins/catalog-backend-module-data-ownership/bench/introspect.ts \
  "$([ -n "${LOCALPLUS_PG_HOST:-}" ] || echo 'no test PostgreSQL (scripts/services.sh start)')$(
    command -v psql >/dev/null || echo ' psql is not installed')"
bench "SLO board" plugins/slo-backend/bench/board.ts \
  "$(command -v prometheus >/dev/null || echo "Debian's prometheus is not installed")"
bench "dead letters" plugins/dlq-backend/bench/list.ts \
  "$(command -v redis-server >/dev/null || echo "Debian's redis-server is not installed")"
bench "dead letters v2" plugins/dlq-backend/bench/v2.ts \
  "$(command -v redis-server >/dev/null || echo "Debian's redis-server is not installed")"
bench "Kyverno reports" plugins/kyverno-backend/bench/reports.ts
bench "scorecards" plugins/scorecards-backend/bench/scorecards.ts
bench "template upgrades" plugins/template-upgrades-backend/bench/upgrades.ts

# The golden path's service against pgbench (a shell script: it renders,
# installs and builds a service, about 40 s in short mode).
echo; echo "== golden path (scripts/bench-golden-path.sh, short)"
start=$SECONDS
if [ -z "${LOCALPLUS_KAFKA_BROKERS:-}" ] || ! command -v pgbench >/dev/null; then
  echo "skipped: needs the test services (scripts/services.sh start) and pgbench"
  [ -z "${LOCALPLUS_REQUIRE_SERVICES:-}" ] || failed+=("golden path (services or pgbench missing)")
elif bash scripts/bench-golden-path.sh; then
  timings+=("$(printf '%-16s %4ss' "golden path" $((SECONDS - start)))")
else
  failed+=("golden path")
fi

echo
printf '%s\n' "${timings[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'benchmark failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
