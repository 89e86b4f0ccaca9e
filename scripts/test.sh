#!/usr/bin/env bash
# `make test`: every test of the portal, on a fresh machine.
#   type-check · lint · unit and integration tests (real PostgreSQL, Redis,
#   Prometheus) · every benchmark in short mode · production build · the
#   catalog scale benchmark in short mode (it needs that build) ·
#   end-to-end tests in Debian's Chromium against the built backend on
#   PostgreSQL · the first-run journey against make start's development
#   portal and its dev services.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

declare -a timings=()
step() {
  local name="$1"; shift
  echo; echo "=== $name"
  local start=$SECONDS status=0
  "$@" || status=$?
  timings+=("$(printf '%-28s %4ss' "$name" $((SECONDS - start)))")
  return "$status"
}

if [ -n "${CI:-}" ]; then
  step "yarn install --immutable" yarn install --immutable
else
  step "yarn install" yarn install
fi

# Tools from the other registries, pinned, into .tools/: Sloth (go install;
# minutes the first time), the Python virtualenv (Dramatiq, mkdocs plugins).
step "tools (Sloth, Python)" bash -c 'bash scripts/go-tools.sh >/dev/null && bash scripts/python-tools.sh >/dev/null'
# mkdocs with TechDocs' plugins for the docs check, the golden-path test and
# the e2e backend's TechDocs builds.
export PATH="$REPO_ROOT/.tools/venv/bin:$PATH"
# Stopped however the run ends, a failed start included.
trap 'bash scripts/services.sh stop' EXIT
step "start services" bash scripts/services.sh start
# shellcheck disable=SC1091
source "${LOCALPLUS_SERVICES_DIR:-$REPO_ROOT/.tmp/services}/env"
# Integration tests fail, rather than skip, when these are missing.
export LOCALPLUS_REQUIRE_SERVICES=1

step "type-check (tsc)" yarn tsc
step "lint" yarn lint:all
step "docs (mkdocs --strict)" bash scripts/docs-check.sh
step "unit + integration tests" env CI=true yarn test
# Every benchmark at tiny sizes: one a change broke fails here.
step "benchmarks (short)" bash scripts/bench-short.sh
step "production build" yarn build:all
# Needs the production build: the catalog at scale, stock beside ours.
step "benchmark: catalog scale (short)" env BENCH_SHORT=1 bash scripts/bench-catalog-scale.sh
# The database the e2e backend reads tables from (data-ownership provider).
step "e2e data-ownership database" bash scripts/e2e-data-ownership-db.sh
# A journey that fails ends the run with what failed, in a few lines per
# test (the log's end is what CI shows): its assertion and, for the first
# run, what the dev services said when they started.
journeys() {
  local name="$1" report="$2"; shift 2
  if ! step "$name" "$@"; then
    echo; echo "=== what failed in $name"
    node scripts/playwright-failures.cjs "$report" .tmp/first-run-services.log
    exit 1
  fi
}
journeys "end-to-end (Playwright)" test-results/e2e-report.json env CI=true yarn test:e2e
# make start's own command and config, with its dev services and demo data.
journeys "first run (Playwright)" test-results/first-run-report.json env CI=true yarn test:e2e:first-run

echo; echo "=== timings"
printf '%s\n' "${timings[@]}"
