#!/usr/bin/env bash
# Benchmark of the golden path (templates/golden-path): the service each
# language's template generates (every svc-<language>.yaml; BENCH_LANGUAGES),
# built and run as in production, against the real PostgreSQL, Redis and
# Kafka of scripts/services.sh, beside pgbench running the same SQL on the
# same machine. Figures are printed side by side in one run:
#
#   1. render, install (npm; a virtualenv from PyPI), build (and, in the
#      full run, its own test suite);
#   2. closed loop, one path at a time (writes: a credit with an
#      Idempotency-Key; reads: a balance), BENCH_CONNECTIONS (8) at once:
#      the service's maximum throughput and pgbench's for the same
#      transaction at the same concurrency. Their ratio is the service's
#      overhead;
#   3. open loop at the seed's load, both paths together (500 writes/s +
#      1,500 reads/s): p50/p99 measured from when each request was due, and
#      pgbench at the same rates;
#   4. the CPU each component used in each run (service, PostgreSQL, load
#      generator, rest of the machine): on 2 cores they share, this says
#      which one saturates;
#   5. (full run) where the TypeScript service's CPU goes under the seed's
#      load, from node --cpu-prof.
#
# BENCH_SECONDS (15) sets each run's length. BENCH_SHORT=1 (make test) runs
# everything at small sizes (2 s, 50 + 100 requests/s, 100 accounts, no
# generated test suite, no profile) only to check that it still works.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

if [ -n "${BENCH_SHORT:-}" ]; then
  SECONDS_PER_RUN="${BENCH_SECONDS:-2}" WRITE_RATE="${BENCH_WRITE_RATE:-50}"
  READ_RATE="${BENCH_READ_RATE:-100}" ACCOUNTS="${BENCH_ACCOUNTS:-100}"
else
  SECONDS_PER_RUN="${BENCH_SECONDS:-15}" WRITE_RATE="${BENCH_WRITE_RATE:-500}"
  READ_RATE="${BENCH_READ_RATE:-1500}" ACCOUNTS="${BENCH_ACCOUNTS:-1000}"
fi
CONNECTIONS="${BENCH_CONNECTIONS:-8}"
# Every language with a golden-path template (templates/golden-path/svc-<language>.yaml).
default_languages=$(cd templates/golden-path && ls svc-*.yaml | sed 's/^svc-//; s/\.yaml$//' | sort -r | tr '\n' ' ')
read -r -a LANGUAGES <<<"${BENCH_LANGUAGES:-$default_languages}"
PORT="${BENCH_SERVICE_PORT:-18480}"
MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-18481}"
ISSUER_PORT="${BENCH_ISSUER_PORT:-18482}"
OTLP_PORT="${BENCH_OTLP_PORT:-18483}"
WORK="$REPO_ROOT/.tmp/bench-golden-path"
BENCH="$REPO_ROOT/scripts/bench"

# Everything started below is stopped on the way out, whatever happens: one
# EXIT trap, which each start adds its pid to.
pids=()
stop_services=:
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  $stop_services
}
trap cleanup EXIT

# Real PostgreSQL, Redis and Kafka (started here when the tests' are not running).
if [ -z "${LOCALPLUS_PG_HOST:-}" ]; then
  bash scripts/services.sh start
  stop_services='bash scripts/services.sh stop'
  # shellcheck disable=SC1091
  source "${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
fi
# The generated service's tables live in its own schema (databaseSchema):
# the seed and pgbench's SQL below name them unqualified.
SCHEMA=$(node -p "require('./templates/golden-path/example-values.json').databaseSchema")
SERVICE_NAME=svc-bench
export PGOPTIONS="-c client_min_messages=warning -c search_path=$SCHEMA,public"
export PGHOST="$LOCALPLUS_PG_HOST" PGPORT="$LOCALPLUS_PG_PORT" \
  PGUSER="$LOCALPLUS_PG_USER" PGPASSWORD="$LOCALPLUS_PG_PASSWORD"
postmaster=$(head -1 "$LOCALPLUS_SERVICES_DIR/postgres/data/postmaster.pid")

now_ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%10.2f", ms / 1000 }'; }
rm -rf "$WORK"; mkdir -p "$WORK"
repo_of() { echo "$WORK/$SERVICE_NAME-$1"; }
db_of() { echo "bench_golden_path_$1"; }

# What differs by language: install (and build), its own tests, migrate,
# and the command that serves (as the Deployment runs it).
install_service() { # <language> <repo>
  case "$1" in
    typescript)
      (cd "$2" && npm install --no-audit --no-fund --loglevel=error >/dev/null && npm run build >/dev/null) ;;
    python)
      (cd "$2" && python3.11 -m venv .venv &&
        .venv/bin/pip install --disable-pip-version-check -q -e '.[dev]' >/dev/null) ;;
  esac
}
test_service() { # <language> <repo>: no DATABASE_URL / REDIS_URL, its own script starts them
  case "$1" in
    typescript) (cd "$2" && DATABASE_URL= REDIS_URL= KAFKA_BROKERS="$LOCALPLUS_KAFKA_BROKERS" npm test) ;;
    python) (cd "$2" && DATABASE_URL= REDIS_URL= KAFKA_BROKERS="$LOCALPLUS_KAFKA_BROKERS" \
      bash scripts/test-services.sh .venv/bin/pytest -q) ;;
  esac
}
migrate_service() { # <language> <repo> <database>
  local url="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$3"
  case "$1" in
    typescript) (cd "$2" && DATABASE_URL="$url" npm run migrate >/dev/null) ;;
    python) (cd "$2" && DATABASE_URL="$url" .venv/bin/python -m app.cli.migrate >/dev/null) ;;
  esac
}
serve_command() { # <language> [node options...]: what the Deployment runs
  local language="$1"; shift
  case "$language" in
    typescript) echo node "$@" dist/main.js ;;
    python) echo .venv/bin/python -m app.main ;;
  esac
}
seed_accounts() { # <database>
  psql -q -d "$1" -c "TRUNCATE accounts, account_transactions, idempotency_keys, outbox" -c "
    INSERT INTO accounts (id, owner_id, currency, balance_minor)
    SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, 'bench-member-' || n, 'EUR', 1000000000
      FROM generate_series(1, $ACCOUNTS) n;" -c "VACUUM ANALYZE"
}
new_database() { # <database>: empty, migrated by the first language's service, seeded
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
}

echo "== golden path: template, install, build$([ -n "${BENCH_SHORT:-}" ] || echo ', tests')"
printf '%-48s %10s\n' what seconds
for language in "${LANGUAGES[@]}"; do
  repo=$(repo_of "$language")
  t0=$(now_ms)
  node -e "
    const v = require('./templates/golden-path/example-values.json');
    require('fs').writeFileSync('$WORK/values-$language.json',
      JSON.stringify({ ...v, name: '$SERVICE_NAME', language: '$language' }));"
  node templates/golden-path/render.cjs "$repo" "$WORK/values-$language.json" >/dev/null
  t1=$(now_ms)
  install_service "$language" "$repo"
  t2=$(now_ms)
  printf '%-48s %s\n' "$language: render the template (fetch:template)" "$(secs $((t1 - t0)))"
  printf '%-48s %s\n' "$language: install$([ "$language" = typescript ] && echo ' and build')" "$(secs $((t2 - t1)))"
  if [ -z "${BENCH_SHORT:-}" ]; then
    test_service "$language" "$repo" >"$WORK/tests-$language.log" 2>&1 ||
      { tail -40 "$WORK/tests-$language.log"; echo "$language: generated tests failed" >&2; exit 1; }
    printf '%-48s %s\n' "$language: its test suite (own PG + Redis)" "$(secs $(($(now_ms) - t2)))"
  fi
  # Its own database, migrated by its own command, and the accounts.
  new_database "$(db_of "$language")"
  migrate_service "$language" "$repo" "$(db_of "$language")"
  seed_accounts "$(db_of "$language")"
done
# pgbench runs the SQL of the TypeScript service's store, in a database of
# its own migrated by that service (the tables are the same in every language).
new_database "$(db_of pgbench)"
migrate_service "${LANGUAGES[0]}" "$(repo_of "${LANGUAGES[0]}")" "$(db_of pgbench)"
seed_accounts "$(db_of pgbench)"
export REDIS_URL="${LOCALPLUS_REDIS_URL%/}/12"
# Its Kafka topic (the broker, like Aiven, creates none on first use).
TOPIC=$(node -p "require('./templates/golden-path/example-values.json').eventTopic")
(cd "$REPO_ROOT" && node -e "
  const { Kafka, logLevel } = require('kafkajs');
  const admin = new Kafka({ brokers: ['$LOCALPLUS_KAFKA_BROKERS'], logLevel: logLevel.NOTHING }).admin();
  admin.connect()
    .then(() => admin.createTopics({ topics: [{ topic: '$TOPIC', numPartitions: 3 }] }))
    .finally(() => admin.disconnect());")

# The identity provider: JWKS on loopback, a service token for the load.
node "$BENCH/golden-path-issuer.mjs" "$ISSUER_PORT" "$SERVICE_NAME" "$WORK/token" >"$WORK/issuer.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do [ -s "$WORK/token" ] && break; sleep 0.1; done
[ -s "$WORK/token" ] || { cat "$WORK/issuer.log"; echo "issuer did not start" >&2; exit 1; }

# Where traces go: an OTLP endpoint that accepts them, as the node's agent does.
node "$BENCH/otlp-sink.mjs" "$OTLP_PORT" >"$WORK/otlp.log" 2>&1 &
pids+=($!)

# The service as in production: built, JSON logs at info (a line per failed
# or slow request), 10 % of traces sampled, the default pool of 10
# connections. tracing=off (OTEL_SDK_DISABLED) for the run that shows what
# tracing costs.
service_pid=
tracing=on
start_service() { # <language> [node options...]
  local language="$1"; shift
  local command
  read -r -a command <<<"$(serve_command "$language" "$@")"
  (cd "$(repo_of "$language")" && PORT="$PORT" MANAGEMENT_PORT="$MANAGEMENT_PORT" LOG_LEVEL=info \
    DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$(db_of "$language")" \
    SERVICE_NAME="$SERVICE_NAME" NODE_ENV=production \
    OTEL_SDK_DISABLED="$([ "$tracing" = off ] && echo true || echo false)" \
    OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG=0.1 \
    OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$OTLP_PORT" \
    AUTH_ISSUER="http://127.0.0.1:$ISSUER_PORT/" AUTH_AUDIENCE="$SERVICE_NAME" \
    AUTH_JWKS_URL="http://127.0.0.1:$ISSUER_PORT/.well-known/jwks.json" \
    KAFKA_BROKERS="$LOCALPLUS_KAFKA_BROKERS" SHUTDOWN_DRAIN_MS=0 \
    exec "${command[@]}" >>"$WORK/service-$language.log" 2>&1) &
  service_pid=$!
  pids+=("$service_pid")
  for i in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$MANAGEMENT_PORT/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$service_pid" 2>/dev/null || { tail -20 "$WORK/service-$language.log"; exit 1; }
    [ "$i" = 300 ] && { echo "$language service not ready after 60 s" >&2; tail -5 "$WORK/service-$language.log"; exit 1; }
    sleep 0.2
  done
}
# Every run starts on a warm service, as in production: the JIT has compiled
# the hot paths (Node.js), the pool's connections and the token are there.
warm_up() {
  load closed "$base" "$WORK/token" "$ACCOUNTS" 1 writes 4 >/dev/null
  load closed "$base" "$WORK/token" "$ACCOUNTS" 1 reads 4 >/dev/null
}
stop_service() {
  kill -TERM "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
}

# cpu_run <name> <command...>: runs the command, saves its stdout as
# <name>.json and the CPU seconds per component as <name>.cpu.json, with the
# run's wall-clock seconds: a service that falls behind keeps working after
# the load's nominal duration, so cores are CPU seconds over this time.
cpu_run() {
  local name="$1"; shift
  local before after started
  started=$(date +%s.%N)
  before=$(node "$BENCH/process-cpu.mjs" service="${service_pid:-0}" postgres="$postmaster")
  ( "$@" >"$WORK/$name.json"; times >"$WORK/$name.times" )
  after=$(node "$BENCH/process-cpu.mjs" service="${service_pid:-0}" postgres="$postmaster")
  local ended
  ended=$(date +%s.%N)
  node -e '
    const [b, a, times, started, ended] = process.argv.slice(1);
    const before = JSON.parse(b), after = JSON.parse(a);
    // bash `times`, second line: the children (the load generator) user and system.
    const child = times.trim().split("\n")[1].split(/\s+/)
      .map(t => { const m = /(\d+)m([\d.]+)s/.exec(t); return Number(m[1]) * 60 + Number(m[2]); });
    const out = {};
    for (const k of Object.keys(after)) out[k] = after[k] - before[k];
    out.generator = child[0] + child[1];
    out.rest = Math.max(0, out.machine - out.service - out.postgres - out.generator);
    out.seconds = Number(ended) - Number(started);
    console.log(JSON.stringify(out));' "$before" "$after" "$(cat "$WORK/$name.times")" "$started" "$ended" >"$WORK/$name.cpu.json"
}

load() { node "$BENCH/golden-path-load.mjs" "$@"; }
base="http://127.0.0.1:$PORT"

# The same SQL the service runs per request (AccountStore), for pgbench: the
# write claims the key, locks the row, then in one statement updates it,
# inserts the transaction and the outbox event and stores the response; the
# read selects the account.
cat >"$WORK/write.sql" <<'SQL'
\set n random(1, :accounts)
\set k random(1, 9000000000000000000)
BEGIN;
INSERT INTO idempotency_keys (key, request_fingerprint) VALUES ('pgb-' || :client_id::text || '-' || :k::text, 'fp') ON CONFLICT (key) DO NOTHING RETURNING key;
SELECT id, owner_id, currency, balance_minor, created_at, updated_at, now() AS now FROM accounts WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid FOR UPDATE;
WITH balance AS (UPDATE accounts SET balance_minor = balance_minor + 100, updated_at = now() WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid), posted AS (INSERT INTO account_transactions (id, account_id, type, amount_minor, currency, reference, balance_after_minor, idempotency_key) VALUES (gen_random_uuid(), ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid, 'credit', 100, 'EUR', 'pgbench', 1, 'pgb-' || :client_id::text || '-' || :k::text)), event AS (INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload, traceparent) VALUES ('account', :n::text, 'account.credited', '{"amount": 100}', NULL)) UPDATE idempotency_keys SET response_status = 201, response_body = '{"ok": true}' WHERE key = 'pgb-' || :client_id::text || '-' || :k::text;
COMMIT;
SQL
cat >"$WORK/read.sql" <<'SQL'
\set n random(1, :accounts)
SELECT id, owner_id, currency, balance_minor, created_at, updated_at FROM accounts WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid;
SQL
# pgbench <name> <script> <clients> [rate]: extended protocol, like the
# service's driver; per-transaction log for the percentiles.
pgbench_run() {
  local name="$1" script="$2" clients="$3" rate="${4:-}"
  (cd "$WORK" && pgbench -n -M extended -D accounts="$ACCOUNTS" -f "$script" ${rate:+-R "$rate"} \
    -T "$SECONDS_PER_RUN" -c "$clients" -j 2 -l --log-prefix="pgb-$name" "$db" >"pgb-$name.out" 2>&1) ||
    { cat "$WORK/pgb-$name.out" >&2; return 1; }
  # Per-transaction logs: column 3 is the latency in microseconds (it
  # includes the wait for the schedule with -R, as an open loop should).
  cat "$WORK"/pgb-"$name".[0-9]* | awk '{print $3}' | sort -n | awk -v secs="$SECONDS_PER_RUN" '
    { v[NR] = $1 } END {
      p50 = v[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
      printf "{\"rate\":%.1f,\"p50\":%.3f,\"p99\":%.3f,\"failed\":0}", NR / secs, p50 / 1000, p99 / 1000 }'
}
pgbench_closed() { # <writes|reads> <script>: one path, as many clients as the service had connections
  local result
  result=$(pgbench_run "closed-$1" "$2" "$CONNECTIONS")
  echo "{\"$1\":$result}"
}
pgbench_open() { # both scripts at once, each at its rate
  local w r
  pgbench_run open-writes write.sql "$CONNECTIONS" "$WRITE_RATE" >"$WORK/pgw.json" &
  w=$!
  pgbench_run open-reads read.sql "$CONNECTIONS" "$READ_RATE" >"$WORK/pgr.json" &
  r=$!
  wait "$w"
  wait "$r"
  echo "{\"writes\":$(cat "$WORK/pgw.json"),\"reads\":$(cat "$WORK/pgr.json")}"
}

db=$(db_of pgbench)
echo
echo "== closed loop, $CONNECTIONS connections, ${SECONDS_PER_RUN} s each, $ACCOUNTS accounts"
for language in "${LANGUAGES[@]}"; do
  start_service "$language"
  warm_up
  cpu_run "closed-writes-$language" load closed "$base" "$WORK/token" "$ACCOUNTS" "$SECONDS_PER_RUN" writes "$CONNECTIONS"
  cpu_run "closed-reads-$language" load closed "$base" "$WORK/token" "$ACCOUNTS" "$SECONDS_PER_RUN" reads "$CONNECTIONS"
  stop_service
done
service_pid=
cpu_run pgbench-closed-writes pgbench_closed writes write.sql
cpu_run pgbench-closed-reads pgbench_closed reads read.sql

echo "== open loop: $WRITE_RATE writes/s + $READ_RATE reads/s together (the seed's load in the full run), ${SECONDS_PER_RUN} s"
for language in "${LANGUAGES[@]}"; do
  seed_accounts "$(db_of "$language")"
  start_service "$language"
  warm_up
  cpu_run "open-$language" load open "$base" "$WORK/token" "$ACCOUNTS" "$SECONDS_PER_RUN" "$WRITE_RATE" "$READ_RATE"
  stop_service
  # The same, without tracing: what the instrumentation costs.
  seed_accounts "$(db_of "$language")"
  tracing=off start_service "$language"
  warm_up
  cpu_run "open-untraced-$language" load open "$base" "$WORK/token" "$ACCOUNTS" "$SECONDS_PER_RUN" "$WRITE_RATE" "$READ_RATE"
  stop_service
done
service_pid=
seed_accounts "$db"
cpu_run pgbench-open pgbench_open

echo
node - "$WORK" "$SECONDS_PER_RUN" "${LANGUAGES[@]}" <<'JS'
const fs = require('node:fs');
const [work, seconds, ...languages] = process.argv.slice(2);
const read = name => JSON.parse(fs.readFileSync(`${work}/${name}.json`, 'utf8'));
const cpu = name => read(`${name}.cpu`);
// CPU seconds over the run's own wall-clock time (cpu_run), not the load's
// nominal seconds: a run that fell behind lasted longer.
const cores = (name, part) => (cpu(name)[part] / cpu(name).seconds).toFixed(2);
const f = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '-');
const row = cells => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(34) : String(c).padStart(9))).join(''));
const header = () =>
  row(['', 'rate/s', 'p50 ms', 'p99 ms', 'failed', 'svc cpu', 'pg cpu', 'gen cpu', 'rest']);
const line = (label, run, result) =>
  row([label, f(result.rate), f(result.p50, 2), f(result.p99, 2), result.failed ?? 0,
       run.startsWith('pgbench') ? '-' : cores(run, 'service'), cores(run, 'postgres'), cores(run, 'generator'), cores(run, 'rest')]);

console.log('closed loop (maximum throughput); CPU in cores used on average');
header();
for (const kind of ['writes', 'reads']) {
  const pg = read(`pgbench-closed-${kind}`)[kind];
  for (const language of languages) {
    const service = read(`closed-${kind}-${language}`)[kind];
    line(`${language} ${kind}`, `closed-${kind}-${language}`, service);
    console.log(`  ${language} / pgbench: throughput ${f(service.rate / pg.rate, 2)}, p50 ${f(service.p50 / pg.p50, 1)}x`);
  }
  line(`pgbench ${kind} (same SQL)`, `pgbench-closed-${kind}`, pg);
}
console.log();
console.log('open loop, both paths together (latency from when each request was due)');
header();
const pgOpen = read('pgbench-open');
let failed = 0;
for (const kind of ['writes', 'reads']) {
  for (const language of languages) {
    const open = read(`open-${language}`), untraced = read(`open-untraced-${language}`);
    line(`${language} ${kind}`, `open-${language}`, open[kind]);
    line(`  the same, tracing off`, `open-untraced-${language}`, untraced[kind]);
    console.log(`  ${language} / pgbench: p50 ${f(open[kind].p50 / pgOpen[kind].p50, 1)}x, p99 ${f(open[kind].p99 / pgOpen[kind].p99, 1)}x` +
      ` (tracing off: p50 ${f(untraced[kind].p50 / pgOpen[kind].p50, 1)}x, p99 ${f(untraced[kind].p99 / pgOpen[kind].p99, 1)}x)`);
    failed += open[kind].failed + untraced[kind].failed;
  }
  line(`pgbench ${kind} (same SQL)`, 'pgbench-open', pgOpen[kind]);
}
console.log('  (CPU columns of the open loop are for both paths together)');
if (failed) {
  console.error(`${failed} requests failed under the seed's load`);
  process.exitCode = 1;
}
JS

if { [ -z "${BENCH_SHORT:-}" ] || [ -n "${BENCH_PROFILE:-}" ]; } && [[ " ${LANGUAGES[*]} " == *" typescript "* ]]; then
  echo
  echo "== where the TypeScript service's CPU goes at the seed's load (node --cpu-prof, ${SECONDS_PER_RUN} s)"
  seed_accounts "$(db_of typescript)"
  rm -rf "$WORK/profile"
  start_service typescript --cpu-prof --cpu-prof-dir="$WORK/profile"
  warm_up
  load open "$base" "$WORK/token" "$ACCOUNTS" "$SECONDS_PER_RUN" "$WRITE_RATE" "$READ_RATE" >/dev/null
  stop_service
  service_pid=
  node "$BENCH/cpu-profile-summary.mjs" "$(ls "$WORK"/profile/*.cpuprofile | head -1)" 15
fi
