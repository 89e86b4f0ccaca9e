#!/usr/bin/env bash
# The services the development portal reads, on loopback, with their own
# data folder and ports (the tests' services are separate), filled with
# current demo data. `make start` starts them beside the portal and stops
# them with it (Ctrl-C):
#
#   PostgreSQL :54432  the seed's tables (database localplus_dev_data), read
#                      live by data ownership: owners, columns, sizes,
#                      personal-data and card-data flags
#   Redis      :54379  Dramatiq dead letters made by real failing actors
#                      (database 3)
#   Prometheus :54090  30 days of the SLI metrics the catalog's Sloth specs
#                      query, Sloth's generated rules on them, firing alerts
#   Kafka      :54092  the seed's topics (one kept 3 days where 7 are declared)
#                      and consumer groups (one no component claims), read
#                      live by data ownership (scripts/dev-kafka.cjs)
#   Kubernetes :54601  the cluster `local`: the seed's services as deployed, a
#                      platform workload and their Kyverno policy reports, in
#                      a read-only API that answers as a real one
#                      (scripts/local-kube-api), token local-plus-dev-token
#
#   bash scripts/dev-services.sh start | stop
#
# Each one is optional: one that fails is named with the reason, the others
# and the portal start all the same, and the portal's page for that feature
# says what is missing. app-config.yaml points every plugin at these ports.
set -uo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

# Another folder and ports (the first-run end-to-end test uses its own):
# LOCALPLUS_DEV_SERVICES_DIR, LOCALPLUS_DEV_{PG,REDIS,PROMETHEUS,KAFKA,KUBE}_PORT.
export LOCALPLUS_SERVICES_DIR="${LOCALPLUS_DEV_SERVICES_DIR:-$REPO_ROOT/.tmp/dev-services}"
export LOCALPLUS_PG_PORT="${LOCALPLUS_DEV_PG_PORT:-54432}"
export LOCALPLUS_REDIS_PORT="${LOCALPLUS_DEV_REDIS_PORT:-54379}"
export LOCALPLUS_PROMETHEUS_PORT="${LOCALPLUS_DEV_PROMETHEUS_PORT:-54090}"
export LOCALPLUS_KAFKA_PORT="${LOCALPLUS_DEV_KAFKA_PORT:-54092}"
export LOCALPLUS_KUBE_PORT="${LOCALPLUS_DEV_KUBE_PORT:-54601}"
export LOCALPLUS_KUBE_TOKEN=local-plus-dev-token
export LOCALPLUS_PG_PASSWORD=localplus-dev
LOG="$LOCALPLUS_SERVICES_DIR.log"

# Said on the terminal and kept in the log (make test prints these lines
# when the first-run journey fails).
say() { echo "dev-services: $*"; echo "dev-services: $*" >>"$LOG"; }
# "ready" lines say how long after the start they came.
ready() { say "ready after $((SECONDS - STARTED)) s: $*"; }
# Runs "$@" with its output in the log; on failure, names the step and
# shows the log's last lines.
step() {
  local what="$1"; shift
  if "$@" >>"$LOG" 2>&1; then return 0; fi
  say "$what failed; the portal starts without it. Last lines of $LOG:"
  tail -5 "$LOG" | sed 's/^/    /'
  return 1
}

# The demo dead letters: real Dramatiq actors that fail, retried and
# dead-lettered by a Dramatiq worker (plugins/dlq-backend/dramatiq/, Python
# from scripts/python-tools.sh), in a few seconds.
dramatiq_demo() {
  local bin
  bin="$(bash scripts/python-tools.sh)" || return 1
  PYTHONDONTWRITEBYTECODE=1 "$bin/python" plugins/dlq-backend/dramatiq/localplus_dramatiq.py demo "$1"
}

# Each service with its demo data; prints what is ready on success.
start_postgres() {
  if ! step "PostgreSQL" bash scripts/services.sh start-one postgres; then
    say "  → Data ownership shows the declared tables only (no columns, sizes or flags)."
    return 1
  fi
  step "the seed's tables (data ownership)" env LOCALPLUS_PG_HOST=127.0.0.1 \
    LOCALPLUS_PG_USER=postgres LOCALPLUS_E2E_DATA_DB=localplus_dev_data \
    bash scripts/e2e-data-ownership-db.sh || return 1
  ready "PostgreSQL :$LOCALPLUS_PG_PORT with the seed's tables (Data ownership)"
}

start_kafka() {
  if ! step "Kafka" bash scripts/services.sh start-one kafka; then
    say "  → Data ownership shows the declared topics only, saying the cluster cannot be read."
    return 1
  fi
  step "the demo topics and consumer groups" node scripts/dev-kafka.cjs "127.0.0.1:$LOCALPLUS_KAFKA_PORT" || return 1
  ready "Kafka :$LOCALPLUS_KAFKA_PORT with the seed's topics and consumer groups (Data ownership)"
}

start_redis() {
  if ! step "Redis" bash scripts/services.sh start-one redis; then
    say "  → the Dead letters cards say Valkey cannot be reached."
    return 1
  fi
  step "the demo dead letters (Dramatiq)" dramatiq_demo "redis://127.0.0.1:$LOCALPLUS_REDIS_PORT/3" || return 1
  step "the demo dead letters (BullMQ)" node scripts/dev-bullmq-dead-letters.cjs "redis://127.0.0.1:$LOCALPLUS_REDIS_PORT/3" || return 1
  ready "Redis :$LOCALPLUS_REDIS_PORT with demo dead letters from real Dramatiq actors and BullMQ jobs (Dead letters)"
}

start_kube() {
  if ! step "the Kubernetes API" bash scripts/services.sh start-one kube; then
    say "  → the Kubernetes and Kyverno tabs say the cluster 'local' cannot be reached."
    return 1
  fi
  ready "Kubernetes API :$LOCALPLUS_KUBE_PORT, cluster 'local' with the seed's workloads and their Kyverno reports (Kubernetes, Kyverno)"
}

start_prometheus() {
  # The SLI metrics' recent history goes into its data folder before it starts.
  local prometheus_env=(LOCALPLUS_PROMETHEUS_URL="http://127.0.0.1:$LOCALPLUS_PROMETHEUS_PORT"
    LOCALPLUS_PROMETHEUS_RULES_DIR="$LOCALPLUS_SERVICES_DIR/prometheus/rules")
  step "the SLI metrics' history" env "${prometheus_env[@]}" bash scripts/dev-prometheus.sh history
  if ! step "Prometheus" bash scripts/services.sh start-one prometheus; then
    say "  → SLO cards and the On call page say Prometheus cannot be reached."
    return 1
  fi
  # The SLI metrics and the alerts at once; then Sloth's rules from the
  # catalog's specs (the first time, Sloth itself is built: minutes).
  step "the SLI metrics and alerts" env "${prometheus_env[@]}" bash scripts/dev-prometheus.sh metrics || return 1
  ready "Prometheus :$LOCALPLUS_PROMETHEUS_PORT with SLI metrics and alerts (SLOs of the services with a spec, On call)"
  [ -x .tools/bin/sloth ] || say "building Sloth (go install, the first time only: a few minutes); the other SLOs show once its rules are loaded"
  step "Sloth's rules" env "${prometheus_env[@]}" bash scripts/dev-prometheus.sh sloth || return 1
  ready "Sloth's rules in Prometheus :$LOCALPLUS_PROMETHEUS_PORT (SLOs of every service)"
}

start() {
  STARTED=$SECONDS
  : >"$LOG"
  bash scripts/services.sh stop >/dev/null 2>&1
  mkdir -p "$LOCALPLUS_SERVICES_DIR"
  # Debian's packages once, before the services start side by side (apt-get
  # takes a lock); a failure here is reported per service below.
  step "installing Debian's packages" bash scripts/services.sh install
  bash scripts/services.sh write-env >/dev/null 2>&1
  # A service one golden-path release behind (Template upgrades), in a local
  # repository the catalog reads (app-config.yaml); made once.
  step "the template-upgrade demo service" node scripts/dev-upgrade-demo.cjs "$REPO_ROOT/.tmp/dev-upgrades" &&
    ready "svc-upgrade-demo, one golden-path release behind (Template upgrades)"
  # All at once: each is ready as soon as its own data is.
  start_postgres &
  start_kafka &
  start_redis &
  start_prometheus &
  start_kube &
  wait
  bash scripts/services.sh write-env >/dev/null 2>&1
  say "log: $LOG; stop with Ctrl-C (or bash scripts/dev-services.sh stop)"
}

case "${1:-}" in
  start) start ;;
  stop) bash scripts/services.sh stop >/dev/null 2>&1; say "stopped" ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
