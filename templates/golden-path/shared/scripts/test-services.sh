#!/usr/bin/env bash
# Runs a command (the tests) with the services they need:
#
#   scripts/test-services.sh <command> [args...]
#
# When DATABASE_URL / REDIS_URL are set (CI service containers, your own
# instances), they are used as they are. When they are not, a private
# PostgreSQL and/or Redis is started from the machine's packages (installed
# with apt-get on Debian/Ubuntu when missing) on free loopback ports, with its
# data under .tmp/, and stopped and deleted when the command ends, whatever
# its outcome. A clean clone only needs {% if values.language == 'python' %}`task test`{% else %}`npm install && npm test`{% endif %}.
#
# Kafka is not started here (a JVM is not on every machine): the relay's
# tests against a real broker run when KAFKA_BROKERS names one (CI, the
# portal's test services, your own) and are skipped, with a note, otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# What this service uses (fixed when the repository was generated).
NEED_POSTGRES=${{ 1 if values.ownsTables else 0 }}
NEED_REDIS=${{ 1 if values.runsJobs else 0 }}
NEED_KAFKA=${{ 1 if values.publishesEvents else 0 }}

log() { echo "test-services: $*" >&2; }

if [ "$#" -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

if [ "$NEED_KAFKA" = 1 ] && [ -z "${KAFKA_BROKERS:-}" ]; then
  log "KAFKA_BROKERS is not set: the outbox relay's tests against a real Kafka broker are skipped (set it to host:port)"
fi

start_postgres=0
start_redis=0
if [ "$NEED_POSTGRES" = 1 ] && [ -z "${DATABASE_URL:-}" ]; then start_postgres=1; fi
if [ "$NEED_REDIS" = 1 ] && [ -z "${REDIS_URL:-}" ]; then start_redis=1; fi
if [ "$start_postgres" = 0 ] && [ "$start_redis" = 0 ]; then
  exec "$@"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# PostgreSQL refuses to run as root: its commands run as `postgres` then.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A directory with the server tools (initdb, pg_ctl, pg_isready); Debian keeps
# them out of PATH, other systems (Homebrew) put them on it.
pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV) \
    "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/pg_isready" ]; then
      echo "$dir"
      return
    fi
  done
}

apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    log "please install: $* (or set DATABASE_URL / REDIS_URL to running instances)"
    exit 1
  fi
  log "installing $* with apt-get"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

free_port() {{% if values.language == 'python' %}
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'{% else %}
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'{% endif %}
}

wait_until() {
  local what="$1"; shift
  for _ in $(seq 1 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "$what did not become ready"
  return 1
}

# Install what is missing first: the postgres user only exists afterwards.
PG_BIN=""
if [ "$start_postgres" = 1 ]; then
  PG_BIN="$(pg_bindir)"
  if [ -z "$PG_BIN" ]; then
    apt_install postgresql
    PG_BIN="$(pg_bindir)"
  fi
fi
if [ "$start_redis" = 1 ] && ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi

mkdir -p "$ROOT/.tmp"
RUN_DIR="$(mktemp -d "$ROOT/.tmp/services.XXXXXX")"
# The postgres user must be able to reach its data directory; a checkout under
# a private home directory is not reachable, so use the system temp dir then.
if [ "$start_postgres" = 1 ] && [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1 \
  && ! runuser -u postgres -- test -x "$RUN_DIR"; then
  rm -rf "$RUN_DIR"
  RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/test-services.XXXXXX")"
fi
chmod 755 "$RUN_DIR"

cleanup() {
  local status=$?
  if [ "$start_postgres" = 1 ] && [ -f "$RUN_DIR/pg/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$RUN_DIR/redis.pid" ]; then
    kill "$(cat "$RUN_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$start_postgres" = 1 ]; then
  port="$(free_port)"
  mkdir -p "$RUN_DIR/pg/data" "$RUN_DIR/pg/socket"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$RUN_DIR/pg"; fi
  # A throw-away instance on loopback only: trust authentication, no fsync.
  as_pg "$PG_BIN/initdb" -D "$RUN_DIR/pg/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
  as_pg "$PG_BIN/pg_ctl" -D "$RUN_DIR/pg/data" -l "$RUN_DIR/pg/postgres.log" -w -t 60 start \
    -o "-p $port -k $RUN_DIR/pg/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >/dev/null
  wait_until PostgreSQL "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port" \
    || { tail -n 20 "$RUN_DIR/pg/postgres.log" >&2; exit 1; }
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL on 127.0.0.1:$port"
fi

if [ "$start_redis" = 1 ]; then
  port="$(free_port)"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$RUN_DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"{% if values.language == 'python' %}
  wait_until Redis python3 -c "
import socket, sys
s = socket.create_connection(('127.0.0.1', $port), timeout=1)
s.sendall(b'PING\r\n')
sys.exit(0 if s.recv(16).startswith(b'+PONG') else 1)"{% else %}
  wait_until Redis node -e "
    const s = require('net').connect($port, '127.0.0.1', () => s.write('PING\r\n'));
    s.on('data', d => process.exit(String(d).startsWith('+PONG') ? 0 : 1));
    s.on('error', () => process.exit(1));"{% endif %}
  export REDIS_URL="redis://127.0.0.1:$port"
  log "Redis on 127.0.0.1:$port"
fi

"$@"
