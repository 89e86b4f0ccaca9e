#!/usr/bin/env bash
# Time to "portal ready" — the backend's readiness probe answers and the
# frontend is served at :3000 — for a bare `yarn start` beside `make start`
# (scripts/start.sh: yarn install, the dev services and their demo data,
# then yarn start), in one run, alternating, so both meet the same machine.
# For make start it also gives when the dev data is served (an SLO board
# with rows, dead letters on svc-ledger's card), which is when the first
# page a user opens shows everything.
#
#   bash scripts/bench-start.sh          # 3 runs of each (BENCH_RUNS)
#   BENCH_SHORT=1 bash scripts/bench-start.sh   # 1 run of each (make test)
#
# Needs ports 3000 and 7007 free (no portal running).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

RUNS="${BENCH_RUNS:-3}"
[ -n "${BENCH_SHORT:-}" ] && RUNS=1
LIMIT=300
log="$REPO_ROOT/.tmp/bench-start.log"
mkdir -p .tmp

for port in 3000 7007; do
  if curl -s -o /dev/null "http://localhost:$port"; then
    echo "bench-start: something already answers on :$port; stop it first" >&2
    exit 1
  fi
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# The guest's token, to ask the backend what a signed-in user would see.
token() {
  curl -fsS http://localhost:7007/api/auth/guest/refresh 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{process.stdout.write(JSON.parse(s).backstageIdentity.token)}catch{}})'
}

# One start: prints "ready_s data_s" (data_s is "-" for a bare yarn start).
measure() {
  local mode="$1" start pid ready="" data="-" t
  start=$(now_ms)
  if [ "$mode" = bare ]; then
    setsid yarn start >"$log" 2>&1 &
  else
    setsid bash scripts/start.sh >"$log" 2>&1 &
  fi
  pid=$!
  while [ $(( $(now_ms) - start )) -lt $((LIMIT * 1000)) ]; do
    kill -0 "$pid" 2>/dev/null || { echo "bench-start: $mode start exited; see $log" >&2; return 1; }
    if [ -z "$ready" ] &&
      curl -fsS -o /dev/null http://localhost:7007/.backstage/health/v1/readiness 2>/dev/null &&
      curl -fsS -o /dev/null http://localhost:3000 2>/dev/null; then
      ready=$(( $(now_ms) - start ))
      [ "$mode" = bare ] && break
    fi
    if [ -n "$ready" ] && [ "$mode" = make ]; then
      t=$(token)
      if [ -n "$t" ] &&
        curl -fsS -H "authorization: Bearer $t" http://localhost:7007/api/slo/board 2>/dev/null | grep -q '"entityRef"' &&
        curl -fsS -H "authorization: Bearer $t" \
          'http://localhost:7007/api/dlq/dead-letters?entityRef=component:default/svc-ledger' 2>/dev/null |
          grep -q '"messageId"'; then
        data=$(( $(now_ms) - start ))
        break
      fi
    fi
    sleep 0.5
  done
  kill -TERM -- -"$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- -"$pid" 2>/dev/null || true
  bash scripts/dev-services.sh stop >/dev/null 2>&1 || true
  # Let the ports go.
  for _ in $(seq 1 40); do
    curl -s -o /dev/null http://localhost:7007 || curl -s -o /dev/null http://localhost:3000 || break
    sleep 0.25
  done
  [ -n "$ready" ] || { echo "bench-start: $mode start not ready within ${LIMIT}s; see $log" >&2; return 1; }
  awk -v r="$ready" -v d="$data" 'BEGIN { printf "%.1f %s\n", r / 1000, (d == "-" ? "-" : sprintf("%.1f", d / 1000)) }'
}

yarn install >/dev/null
echo "== time to portal ready (s), $RUNS run(s) of each, alternating"
printf '%-5s %16s %16s %22s %8s\n' run 'yarn start' 'make start' 'make start, data in' ratio
for run in $(seq 1 "$RUNS"); do
  read -r bare _ < <(measure bare)
  read -r make data < <(measure make)
  [ -n "${bare:-}" ] && [ -n "${make:-}" ] || exit 1
  awk -v r="$run" -v b="$bare" -v m="$make" -v d="$data" \
    'BEGIN { printf "%-5s %16.1f %16.1f %22s %7.2fx\n", r, b, m, d, m / b }'
done
