#!/usr/bin/env bash
# Real services for the tests, from Debian's packages, on loopback only.
#
#   scripts/services.sh install [pkg:cmd ...]   apt-get install whatever is missing
#   scripts/services.sh start     install, then start PostgreSQL, Redis, Prometheus,
#                                 Kafka and the local Kubernetes API with private data
#                                 folders and ports; wait until ready
#   scripts/services.sh start-one postgres|redis|prometheus|kafka|kube   one of them
#   scripts/services.sh stop      stop them and remove their data
#   scripts/services.sh env       print the variables that point tests at them
#
# Kafka is a single-node Apache Kafka broker in KRaft mode, from the broker's
# jars resolved with Maven into .tools/kafka/ (scripts/kafka.sh).
# The Kubernetes API is a read-only fake that speaks the real wire format, with
# the `local` cluster's fixtures (scripts/local-kube-api): no real API server
# can run on these machines.
# Chromium is a program, not a daemon: `start` checks that it runs. (mkdocs
# comes from PyPI: scripts/python-tools.sh.)
# After `start`, `source "$LOCALPLUS_SERVICES_DIR/env"` gives the connection settings.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}"
PG_PORT="${LOCALPLUS_PG_PORT:-55432}"
REDIS_PORT="${LOCALPLUS_REDIS_PORT:-56379}"
PROM_PORT="${LOCALPLUS_PROMETHEUS_PORT:-59090}"
KAFKA_PORT="${LOCALPLUS_KAFKA_PORT:-59092}"
KUBE_PORT="${LOCALPLUS_KUBE_PORT:-59601}"
KUBE_TOKEN="${LOCALPLUS_KUBE_TOKEN:-local-plus-test-token}"
PG_PASSWORD="${LOCALPLUS_PG_PASSWORD:-localplus-test}"

log() { echo "services: $*" >&2; }

# Debian package -> a command it provides.
PACKAGES=(
  "postgresql:pg_ctlcluster"
  "redis-server:redis-server"
  "redis-tools:redis-cli"
  "prometheus:prometheus"
  "chromium:chromium"
  "fonts-dejavu-core:"
  "curl:curl"
  # `kubectl kustomize` renders the golden-path template's overlays in its test.
  "kubernetes-client:kubectl"
  # Kafka: a JVM, and Maven to resolve the broker's jars (scripts/kafka.sh).
  "default-jre-headless:java"
  "maven:mvn"
)

install() {
  local missing=() wanted=("$@")
  [ ${#wanted[@]} -eq 0 ] && wanted=("${PACKAGES[@]}")
  for entry in "${wanted[@]}"; do
    local pkg="${entry%%:*}" cmd="${entry#*:}"
    if [ -n "$cmd" ]; then
      command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    else
      dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing from Debian: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  mkdir -p "$REPO_ROOT/.tmp"
  local apt_log="$REPO_ROOT/.tmp/apt.log"
  # The packages' own system services are not used: private instances are
  # started below instead.
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
    tail -20 "$apt_log" >&2; log "apt-get failed (full log: $apt_log)"; return 1
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1; }

# PostgreSQL refuses to run as root: run its tools as the `postgres` user then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() {
  local what="$1" tries="$2"; shift 2
  for _ in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  log "$what did not become ready"; return 1
}

# A port some other process already listens on: say which, rather than
# wait a minute for a service that cannot bind it (or, worse, find the
# other one answering).
port_free() {
  local what="$1" port="$2" owner
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 0
  owner="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:.*' | head -1)"
  log "$what cannot start: 127.0.0.1:$port is taken by another process${owner:+ ($owner)}; stop it, or choose other ports (LOCALPLUS_*_PORT)"
  return 1
}

start_postgres() {
  port_free PostgreSQL "$PG_PORT" || return 1
  local dir="$SERVICES_DIR/postgres" bin; bin="$(pg_bin)"
  mkdir -p "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    mkdir -p "$dir/data" "$dir/sock"
    echo "$PG_PASSWORD" > "$dir/pwfile"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 start \
    -o "-p $PG_PORT -k $dir/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
  wait_for PostgreSQL 60 "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT"
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT"
}

start_redis() {
  port_free Redis "$REDIS_PORT" || return 1
  local dir="$SERVICES_DIR/redis"
  mkdir -p "$dir"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  wait_for Redis 60 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
  log "Redis ready on 127.0.0.1:$REDIS_PORT"
}

start_prometheus() {
  port_free Prometheus "$PROM_PORT" || return 1
  local dir="$SERVICES_DIR/prometheus"
  mkdir -p "$dir/data" "$dir/rules"
  # Tests drop rule files into rules/ and reload with POST /-/reload.
  cat > "$dir/prometheus.yml" <<YAML
global:
  scrape_interval: 15s
  evaluation_interval: 15s
rule_files:
  - $dir/rules/*.yml
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['127.0.0.1:$PROM_PORT']
YAML
  nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --web.enable-lifecycle --web.enable-admin-api \
    --storage.tsdb.retention.time=90d >"$dir/prometheus.log" 2>&1 &
  echo $! > "$dir/prometheus.pid"
  wait_for Prometheus 60 curl -fsS "http://127.0.0.1:$PROM_PORT/-/ready"
  log "Prometheus ready on 127.0.0.1:$PROM_PORT"
}

start_kafka() {
  bash "$REPO_ROOT/scripts/kafka.sh" start "$SERVICES_DIR/kafka" "$KAFKA_PORT"
}

start_kube() {
  port_free "the Kubernetes API" "$KUBE_PORT" || return 1
  local dir="$SERVICES_DIR/kube"
  mkdir -p "$dir"
  # Node 22 (scripts/env.sh) when the caller did not already put it on PATH.
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' 2>/dev/null \
    || source "$REPO_ROOT/scripts/env.sh"
  nohup node "$REPO_ROOT/scripts/local-kube-api/server.cjs" --port "$KUBE_PORT" --name local \
    --fixtures "$REPO_ROOT/scripts/local-kube-api/fixtures/local" \
    --policies "$REPO_ROOT/policies/kyverno" --token "$KUBE_TOKEN" >"$dir/kube.log" 2>&1 &
  echo $! > "$dir/kube.pid"
  wait_for "the Kubernetes API" 60 curl -fsS -H "Authorization: Bearer $KUBE_TOKEN" \
    "http://127.0.0.1:$KUBE_PORT/readyz"
  log "Kubernetes API (cluster 'local', read-only) ready on 127.0.0.1:$KUBE_PORT"
}

check_programs() {
  chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 \
    || /usr/bin/chromium --version >/dev/null || { log "chromium does not run"; return 1; }
  log "$(/usr/bin/chromium --version 2>/dev/null | head -1) available"
}

write_env() {
  cat > "$SERVICES_DIR/env" <<ENV
export LOCALPLUS_SERVICES_DIR='$SERVICES_DIR'
export LOCALPLUS_PG_HOST=127.0.0.1
export LOCALPLUS_PG_PORT=$PG_PORT
export LOCALPLUS_PG_USER=postgres
export LOCALPLUS_PG_PASSWORD='$PG_PASSWORD'
export LOCALPLUS_REDIS_URL=redis://127.0.0.1:$REDIS_PORT
export LOCALPLUS_PROMETHEUS_URL=http://127.0.0.1:$PROM_PORT
export LOCALPLUS_PROMETHEUS_RULES_DIR='$SERVICES_DIR/prometheus/rules'
export LOCALPLUS_CHROMIUM=/usr/bin/chromium
export LOCALPLUS_KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
export LOCALPLUS_KUBE_URL=http://127.0.0.1:$KUBE_PORT
export LOCALPLUS_KUBE_TOKEN='$KUBE_TOKEN'
ENV
}

stop() {
  local bin
  if [ -f "$SERVICES_DIR/postgres/data/postmaster.pid" ]; then
    bin="$(pg_bin)"
    as_pg "$bin/pg_ctl" -D "$SERVICES_DIR/postgres/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  local pids=() pidfile
  for pidfile in "$SERVICES_DIR/redis/redis.pid" "$SERVICES_DIR/prometheus/prometheus.pid" \
    "$SERVICES_DIR/kube/kube.pid"; do
    if [ -f "$pidfile" ]; then pids+=("$(cat "$pidfile")"); fi
  done
  if [ ${#pids[@]} -gt 0 ]; then kill "${pids[@]}" 2>/dev/null || true; fi
  bash "$REPO_ROOT/scripts/kafka.sh" stop "$SERVICES_DIR/kafka" 2>/dev/null || true
  # Gone, ports released, before a start on the same ports (10 s at most).
  for _ in $(seq 1 40); do
    local alive=0 pid
    for pid in "${pids[@]}"; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    if [ "$alive" = 0 ]; then break; fi
    sleep 0.25
  done
  rm -rf "$SERVICES_DIR"
  log "stopped"
}

case "${1:-}" in
  install) shift; install "$@" ;;
  start)
    install
    stop >/dev/null 2>&1 || true
    mkdir -p "$SERVICES_DIR"
    start_postgres
    start_redis
    start_prometheus
    start_kafka
    start_kube
    check_programs
    write_env
    ;;
  # One service alone, for scripts/dev-services.sh (which starts each on its
  # own, so one that fails does not stop the others).
  start-one)
    mkdir -p "$SERVICES_DIR"
    case "${2:-}" in
      postgres) install postgresql:pg_ctlcluster && start_postgres ;;
      redis) install redis-server:redis-server redis-tools:redis-cli && start_redis ;;
      prometheus) install prometheus:prometheus curl:curl && start_prometheus ;;
      kafka) install default-jre-headless:java maven:mvn && start_kafka ;;
      kube) install curl:curl && start_kube ;;
      *) echo "usage: $0 start-one postgres|redis|prometheus|kafka|kube" >&2; exit 2 ;;
    esac
    ;;
  write-env) mkdir -p "$SERVICES_DIR"; write_env ;;
  stop) stop ;;
  env) cat "$SERVICES_DIR/env" ;;
  *) echo "usage: $0 install|start|start-one <service>|write-env|stop|env" >&2; exit 2 ;;
esac
