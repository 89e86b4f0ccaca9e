#!/usr/bin/env bash
# The portal as `make start` runs it — yarn start on app-config.yaml with the
# dev services beside it — on the ports of the first-run end-to-end journey
# (packages/app/e2e-tests/first-run/): frontend :3017, backend :7018, dev
# services :23432/:23379/:23090/:23092 (Kafka)/:23601 (Kubernetes) in
# .tmp/first-run-services (ports below Linux's ephemeral range, 32768 up, so
# no outgoing connection of the runs before can hold one). Playwright starts
# and stops it (playwright.first-run.config.ts).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

export LOCALPLUS_DEV_SERVICES_DIR="$REPO_ROOT/.tmp/first-run-services"
export LOCALPLUS_DEV_PG_PORT=23432 LOCALPLUS_DEV_REDIS_PORT=23379 LOCALPLUS_DEV_PROMETHEUS_PORT=23090
export LOCALPLUS_DEV_KAFKA_PORT=23092 LOCALPLUS_DEV_KUBE_PORT=23601
mkdir -p .tmp/first-run-scaffolded
export PATH="$(bash scripts/python-tools.sh):$PATH"

# On stderr, which Playwright shows (it ignores this server's stdout).
bash scripts/dev-services.sh start >&2
trap 'bash scripts/dev-services.sh stop' EXIT
# However this script ends (Playwright may kill it outright, before any
# trap runs), its dev services go with it: a watchdog in its own session.
setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done; bash scripts/dev-services.sh stop" \
  </dev/null >/dev/null 2>&1 &
trap 'exit 130' INT
trap 'exit 143' TERM

yarn start \
  --config "$REPO_ROOT/app-config.yaml" \
  --config "$REPO_ROOT/packages/app/e2e-tests/first-run/app-config.first-run.yaml"
