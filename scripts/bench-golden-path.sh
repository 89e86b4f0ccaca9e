#!/usr/bin/env bash
# Benchmark of the golden path (templates/svc-typescript), figures printed
# side by side in one run:
#   - how long the template takes to render, the generated repository takes
#     to install, and its own test suite takes to run;
#   - a generated service under the seed's load (500 writes/s with
#     Idempotency-Keys + 1,500 balance reads/s, autocannon) against the real
#     PostgreSQL, beside pgbench running the same SQL at the same rates on
#     the same machine: the service's overhead as a ratio.
# BENCH_SECONDS (default 30) sets the length of each load run; BENCH_SHORT=1
# runs everything at small sizes (3 s, 50 + 100 requests/s, 100 accounts).
# Not in make test's short benchmarks: npm install and the generated tests
# alone take 40 s.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

if [ -n "${BENCH_SHORT:-}" ]; then
  SECONDS_PER_RUN="${BENCH_SECONDS:-3}" WRITE_RATE="${BENCH_WRITE_RATE:-50}"
  READ_RATE="${BENCH_READ_RATE:-100}" ACCOUNTS="${BENCH_ACCOUNTS:-100}"
else
  SECONDS_PER_RUN="${BENCH_SECONDS:-30}" WRITE_RATE="${BENCH_WRITE_RATE:-500}"
  READ_RATE="${BENCH_READ_RATE:-1500}" ACCOUNTS="${BENCH_ACCOUNTS:-1000}"
fi
PORT="${BENCH_SERVICE_PORT:-18480}"
WORK="$REPO_ROOT/.tmp/bench-golden-path"

# Real PostgreSQL and Redis (started here when the tests' are not running).
stop_services=:
if [ -z "${LOCALPLUS_PG_HOST:-}" ]; then
  bash scripts/services.sh start
  stop_services='bash scripts/services.sh stop'
  trap "$stop_services" EXIT
  source "${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
fi
# The generated service's tables live in its own schema (databaseSchema):
# the seed and pgbench's SQL below name them unqualified.
SCHEMA=$(node -p "require('./templates/svc-typescript/example-values.json').databaseSchema")
export PGOPTIONS="-c client_min_messages=warning -c search_path=$SCHEMA,public"
export PGHOST="$LOCALPLUS_PG_HOST" PGPORT="$LOCALPLUS_PG_PORT" \
  PGUSER="$LOCALPLUS_PG_USER" PGPASSWORD="$LOCALPLUS_PG_PASSWORD"

now_ms() { date +%s%3N; }
rm -rf "$WORK"; mkdir -p "$WORK"
repo="$WORK/svc-bench"

echo "== golden path: template, install, tests"
t0=$(now_ms)
node templates/svc-typescript/render.cjs "$repo" >/dev/null
t1=$(now_ms)
(cd "$repo" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
t2=$(now_ms)
(cd "$repo" && DATABASE_URL= REDIS_URL= npm test >"$WORK/tests.log" 2>&1) ||
  { tail -40 "$WORK/tests.log"; echo "generated tests failed" >&2; exit 1; }
t3=$(now_ms)
(cd "$repo" && npm run build >/dev/null)
printf '%-44s %10s\n' what seconds
secs() { awk -v ms="$1" 'BEGIN { printf "%10.2f", ms / 1000 }'; }
printf '%-44s %s\n' 'render the template (fetch:template)' "$(secs $((t1 - t0)))"
printf '%-44s %s\n' 'npm install in the generated repository' "$(secs $((t2 - t1)))"
printf '%-44s %s\n' 'its test suite (npm test, own PG + Redis)' "$(secs $((t3 - t2)))"

echo
echo "== load: ${WRITE_RATE} writes/s + ${READ_RATE} reads/s for ${SECONDS_PER_RUN} s, ${ACCOUNTS} accounts"
db="bench_golden_path"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$db"
# Redis database 12 of the test Redis (URL without a trailing /<db>).
export REDIS_URL="${LOCALPLUS_REDIS_URL%/}/12"
(cd "$repo" && npm run migrate >/dev/null)
seed_sql="INSERT INTO accounts (id, currency, balance_minor)
  SELECT ('00000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid, 'EUR', 1000000000
  FROM generate_series(1, $ACCOUNTS) n;"
psql -q -d "$db" -c "$seed_sql"

# The generated service, as in production (built, JSON logs at warn).
# No Kafka broker can run here: the outbox relay retries against a closed
# port while the writes go on (events wait in the outbox, as in an outage).
# exec: $! is the service itself, so kill stops it.
(cd "$repo" && PORT="$PORT" LOG_LEVEL=warn SERVICE_NAME=svc-bench KAFKA_BROKERS=127.0.0.1:9 \
  exec node dist/main.js >"$WORK/service.log" 2>&1) &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true; $stop_services' EXIT
for i in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { tail -20 "$WORK/service.log"; exit 1; }
  [ "$i" = 300 ] && { echo "service not ready after 60 s" >&2; tail -5 "$WORK/service.log"; exit 1; }
  sleep 0.2
done
service_json=$(node scripts/bench/golden-path-load.mjs "http://127.0.0.1:$PORT" \
  "$ACCOUNTS" "$SECONDS_PER_RUN" "$WRITE_RATE" "$READ_RATE")
kill "$service_pid" 2>/dev/null || true

# The same SQL the service runs per request, through pgbench at the same
# rates (the write: claim the key, lock the row, update, insert the
# transaction and the outbox event, store the response).
cat >"$WORK/write.sql" <<'SQL'
\set n random(1, :accounts)
\set k random(1, 9000000000000000000)
BEGIN;
INSERT INTO idempotency_keys (key, request_fingerprint) VALUES ('pgb-' || :client_id || '-' || :k, 'fp') ON CONFLICT (key) DO NOTHING RETURNING key;
SELECT id, currency, balance_minor, created_at, updated_at FROM accounts WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid FOR UPDATE;
UPDATE accounts SET balance_minor = balance_minor + 100, updated_at = now() WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid;
INSERT INTO account_transactions (account_id, type, amount_minor, currency, reference, balance_after_minor, idempotency_key) VALUES (('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid, 'credit', 100, 'EUR', 'pgbench', 1, 'pgb-' || :client_id || '-' || :k) RETURNING id, created_at;
INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('account', :n::text, 'transaction.posted', '{"amount":100}');
UPDATE idempotency_keys SET response_status = 201, response_body = '{"ok":true}' WHERE key = 'pgb-' || :client_id || '-' || :k;
COMMIT;
SQL
cat >"$WORK/read.sql" <<'SQL'
\set n random(1, :accounts)
SELECT id, currency, balance_minor, created_at, updated_at FROM accounts WHERE id = ('00000000-0000-0000-0000-' || lpad(:n::text, 12, '0'))::uuid;
SQL
pgbench_run() { # name script rate
  (cd "$WORK" && pgbench -n -D accounts="$ACCOUNTS" -f "$2" -R "$3" -T "$SECONDS_PER_RUN" \
    -c "$(( $3 / 20 > 10 ? $3 / 20 : 10 ))" -j 2 -l --log-prefix="pgb-$1" "$db" >"pgb-$1.out" 2>&1)
}
rm -f "$WORK"/pgb-*
pgbench_run write write.sql "$WRITE_RATE" & p1=$!
pgbench_run read read.sql "$READ_RATE" & p2=$!
wait $p1 $p2
# Per-transaction logs: column 3 is the latency in microseconds.
pgb_summary() {
  cat "$WORK"/pgb-"$1".* | awk '{print $3}' | sort -n | awk -v secs="$SECONDS_PER_RUN" '
    { v[NR] = $1 } END {
      p50 = v[int(NR * 0.50) > 0 ? int(NR * 0.50) : 1]; p99 = v[int(NR * 0.99) > 0 ? int(NR * 0.99) : 1];
      printf "{\"rate\":%.1f,\"p50\":%.3f,\"p99\":%.3f}", NR / secs, p50 / 1000, p99 / 1000 }'
}
pg_json="{\"writes\":$(pgb_summary write),\"reads\":$(pgb_summary read)}"

node - "$service_json" "$pg_json" <<'JS'
const [service, pg] = process.argv.slice(2).map(s => JSON.parse(s));
const row = (a, b, c, d, e, f, g) =>
  console.log(`${a.padEnd(26)}${b.padStart(11)}${c.padStart(10)}${d.padStart(10)}${e.padStart(9)}${f.padStart(10)}${g.padStart(10)}`);
row('', 'rate/s', 'p50 ms', 'p99 ms', 'failed', 'p50 ×', 'p99 ×');
for (const kind of ['writes', 'reads']) {
  const s = service[kind], p = pg[kind];
  row(`service ${kind}`, s.rate.toFixed(1), s.p50.toFixed(2), s.p99.toFixed(2), String(s.failed),
      (s.p50 / p.p50).toFixed(1), (s.p99 / p.p99).toFixed(1));
  row(`pgbench ${kind} (same SQL)`, p.rate.toFixed(1), p.p50.toFixed(2), p.p99.toFixed(2), '-', '1.0', '1.0');
}
JS
