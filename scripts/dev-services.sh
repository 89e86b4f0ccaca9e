#!/usr/bin/env bash
# The services the development portal reads, on loopback, with their own
# data folder and ports (the tests' services are separate), filled with
# current demo data. `make start` starts them beside the portal and stops
# them with it (Ctrl-C):
#
#   PostgreSQL :54432  the seed's tables (database localplus_dev_data), read
#                      live by data ownership: owners, columns, sizes,
#                      personal-data and card-data flags
#   Redis      :54379  Dramatiq and BullMQ dead letters (database 3)
#   Prometheus :54090  SLO series and firing alerts of the seed's services
#
#   bash scripts/dev-services.sh start | stop
#
# Each one is optional: one that fails is named with the reason, the others
# and the portal start all the same, and the portal's page for that feature
# says what is missing. app-config.yaml points every plugin at these ports.
set -uo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

export LOCALPLUS_SERVICES_DIR="$REPO_ROOT/.tmp/dev-services"
export LOCALPLUS_PG_PORT=54432 LOCALPLUS_REDIS_PORT=54379 LOCALPLUS_PROMETHEUS_PORT=54090
export LOCALPLUS_PG_PASSWORD=localplus-dev
LOG="$LOCALPLUS_SERVICES_DIR.log"

say() { echo "dev-services: $*"; }
# Runs "$@" with its output in the log; on failure, names the step and
# shows the log's last lines.
step() {
  local what="$1"; shift
  if "$@" >>"$LOG" 2>&1; then return 0; fi
  say "$what failed; the portal starts without it. Last lines of $LOG:"
  tail -5 "$LOG" | sed 's/^/    /'
  return 1
}

start() {
  : >"$LOG"
  bash scripts/services.sh stop >/dev/null 2>&1
  local started=()

  if step "PostgreSQL" bash scripts/services.sh start-one postgres; then
    bash scripts/services.sh write-env >/dev/null 2>&1
    # shellcheck disable=SC1091
    source "$LOCALPLUS_SERVICES_DIR/env"
    if step "the seed's tables (data ownership)" env LOCALPLUS_E2E_DATA_DB=localplus_dev_data \
        bash scripts/e2e-data-ownership-db.sh; then
      started+=("PostgreSQL :54432 with the seed's tables (Data ownership)")
    fi
  else
    say "  → Data ownership shows the declared tables only (no columns, sizes or flags)."
  fi

  if step "Redis" bash scripts/services.sh start-one redis; then
    if step "the demo dead letters" node scripts/dev-dead-letters.cjs "redis://127.0.0.1:54379/3"; then
      started+=("Redis :54379 with demo dead letters (Dead letters)")
    fi
  else
    say "  → the Dead letters cards say Valkey cannot be reached."
  fi

  if step "Prometheus" bash scripts/services.sh start-one prometheus; then
    bash scripts/services.sh write-env >/dev/null 2>&1
    if step "the SLO data and alerts" env LOCALPLUS_PROMETHEUS_URL=http://127.0.0.1:54090 \
        LOCALPLUS_PROMETHEUS_RULES_DIR="$LOCALPLUS_SERVICES_DIR/prometheus/rules" \
        bash scripts/dev-prometheus.sh; then
      started+=("Prometheus :54090 with SLO data and firing alerts (SLOs, On call)")
    fi
  else
    say "  → SLO cards and the On call page say Prometheus cannot be reached."
  fi

  bash scripts/services.sh write-env >/dev/null 2>&1
  for s in "${started[@]}"; do say "ready: $s"; done
  say "log: $LOG; stop with Ctrl-C (or bash scripts/dev-services.sh stop)"
}

case "${1:-}" in
  start) start ;;
  stop) bash scripts/services.sh stop >/dev/null 2>&1; say "stopped" ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
