#!/usr/bin/env bash
# Baseline figures of the portal, printed side by side so later work can be
# compared against them (run before and after a change):
#   - frontend: initial JavaScript (the scripts index.html loads), gzip and raw,
#     and all JavaScript of the build;
#   - backend: start-up time to ready, and resident memory once idle, for the
#     production build on the embedded defaults (SQLite, no other service);
#   - SLO board of 200 services against a real Prometheus (Debian's, started
#     privately): PromQL round trips per request, the backend's p50/p95 beside
#     the same PromQL sent straight to Prometheus (BENCH_SLO_RUNS, 50).
#   - data ownership: 5,000 tables introspected and emitted as catalog
#     entities, beside the same catalog queries in psql (BENCH_DATA_TABLES, BENCH_DATA_RUNS).
#   - dead letters: one service's among 10,000 in a private redis-server,
#     first and next listings and the platform view, beside the raw Redis
#     reads the same answer needs, and the heap the actor cache takes
#     (BENCH_DLQ_LETTERS, BENCH_DLQ_RUNS).
#   - Kyverno reports: 3 clusters × 10,000 results read through the
#     Kubernetes plugin's proxy beside raw reads of the same pages, snapshot
#     writes (SQLite; PostgreSQL with the test services), the compliance
#     page's p50/p95 and peak memory (BENCH_KYVERNO_RESULTS, BENCH_KYVERNO_RUNS).
#   - scorecards: 200 services × 9 checks evaluated with json-rules-engine
#     beside the same thresholds in plain code, a whole collection, and the
#     Scorecards page's five requests over 30 days of collections (SQLite;
#     PostgreSQL with the test services) (BENCH_SCORECARD_SERVICES).
#   - template upgrades: the drift of 200 generated services beside the
#     catalog query it makes, and one upgrade proposal (two releases
#     rendered, the three-way merge) beside one render (BENCH_UPGRADE_SERVICES).
# Builds first unless BENCH_SKIP_BUILD=1. make test runs the bench files in
# short mode (scripts/bench-short.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

RUNS="${BENCH_RUNS:-3}"
PORT="${BENCH_PORT:-7027}"

if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  yarn install >/dev/null
  yarn tsc
  yarn build:all >/dev/null
fi

echo "== frontend (packages/app/dist)"
node - <<'JS'
const fs = require('fs'), path = require('path'), zlib = require('zlib');
const dist = 'packages/app/dist';
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)].map(m => m[1].replace(/^\//, ''));
const size = f => { const b = fs.readFileSync(path.join(dist, f)); return [b.length, zlib.gzipSync(b, { level: 9 }).length]; };
const sum = files => files.map(size).reduce(([r, g], [r2, g2]) => [r + r2, g + g2], [0, 0]);
const all = fs.readdirSync(path.join(dist, 'static')).filter(f => f.endsWith('.js')).map(f => `static/${f}`);
const kb = n => (n / 1024).toFixed(1).padStart(9) + ' KiB';
const [ir, ig] = sum(initial), [ar, ag] = sum(all);
console.log(`${'what'.padEnd(34)}${'gzip'.padStart(13)}${'raw'.padStart(13)}  files`);
console.log(`${'initial JavaScript'.padEnd(34)}${kb(ig)}${kb(ir)}  ${initial.length}`);
console.log(`${'all JavaScript (lazy chunks too)'.padEnd(34)}${kb(ag)}${kb(ar)}  ${all.length}`);
JS

echo
echo "== backend (production build, embedded defaults), $RUNS runs"
printf '%-6s %18s %22s\n' run 'ready after (s)' 'idle RSS after 15 s'
for run in $(seq 1 "$RUNS"); do
  log="$REPO_ROOT/.tmp/bench-backend.log"
  start_ns=$(date +%s%N)
  LOCALPLUS_BACKEND_PROFILE=embedded PROD_BACKEND_DIR="$REPO_ROOT/.tmp/bench-backend" \
    APP_CONFIG_backend_listen_port="$PORT" APP_CONFIG_backend_baseUrl="http://localhost:$PORT" \
    bash scripts/prod-backend.sh >"$log" 2>&1 &
  pid=$!
  until curl -fsS "http://localhost:$PORT/.backstage/health/v1/readiness" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "backend exited; see $log" >&2; exit 1; }
    sleep 0.1
  done
  ready_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
  sleep 15
  # prod-backend.sh execs node, so $pid is the backend itself.
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  awk -v r="$run" -v ms="$ready_ms" -v kb="$rss_kb" \
    'BEGIN { printf "%-6s %18.2f %18.0f MiB\n", r, ms / 1000, kb / 1024 }'
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
done

# Data ownership (plugins/catalog-backend-module-data-ownership): 5,000
# tables introspected and emitted by the provider, beside the same catalog
# queries in psql. Needs the test PostgreSQL (scripts/services.sh start).
echo
services_env="${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
if [ -z "${LOCALPLUS_PG_HOST:-}" ] && [ -f "$services_env" ]; then
  # shellcheck disable=SC1090
  source "$services_env"
fi
if [ -n "${LOCALPLUS_PG_HOST:-}" ]; then
  node --require @backstage/cli/config/nodeTransform.cjs \
    plugins/catalog-backend-module-data-ownership/bench/introspect.ts
else
  echo "== data ownership: skipped, no test PostgreSQL (scripts/services.sh start)"
fi

echo
echo "== SLO board (plugins/slo-backend/bench/board.ts)"
if command -v prometheus >/dev/null 2>&1; then
  node --require @backstage/cli/config/nodeTransform.cjs plugins/slo-backend/bench/board.ts
else
  echo "skipped: Debian's prometheus is not installed (bash scripts/services.sh install)"
fi

echo
echo "== dead letters (plugins/dlq-backend/bench/list.ts)"
if command -v redis-server >/dev/null 2>&1; then
  node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/dlq-backend/bench/list.ts
else
  echo "skipped: Debian's redis-server is not installed (bash scripts/services.sh install)"
fi
echo
echo "== dead letters v2: summary, bulk, 1,000,000 (plugins/dlq-backend/bench/v2.ts)"
if command -v redis-server >/dev/null 2>&1; then
  node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/dlq-backend/bench/v2.ts
else
  echo "skipped: Debian's redis-server is not installed (bash scripts/services.sh install)"
fi

echo
echo "== Kyverno reports (plugins/kyverno-backend/bench/reports.ts)"
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/kyverno-backend/bench/reports.ts

echo
echo "== scorecards (plugins/scorecards-backend/bench/scorecards.ts)"
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/scorecards-backend/bench/scorecards.ts

echo
echo "== template upgrades (plugins/template-upgrades-backend/bench/upgrades.ts)"
node --expose-gc --require @backstage/cli/config/nodeTransform.cjs plugins/template-upgrades-backend/bench/upgrades.ts
