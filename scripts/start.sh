#!/usr/bin/env bash
# `make start`: installs what is missing, then serves the portal at
# http://localhost:3000 (backend on :7007) on SQLite with guest sign-in,
# with the services its features read (scripts/dev-services.sh: PostgreSQL,
# Redis, Prometheus on loopback, filled with demo data) started beside it
# and stopped with it on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

# TechDocs are built on this host with mkdocs and TechDocs' own plugin set
# (mkdocs-techdocs-core, from PyPI into .tools/venv).
export PATH="$(bash scripts/python-tools.sh):$PATH"

# Install only when a manifest changed since the last install (a no-op
# `yarn install` still takes ~9 s).
state=node_modules/.yarn-state.yml
if [ ! -f "$state" ] || [ yarn.lock -nt "$state" ] ||
  [ -n "$(find package.json packages/*/package.json plugins/*/package.json -newer "$state" 2>/dev/null | head -1)" ]; then
  yarn install
fi
mkdir -p .tmp/scaffolded

# The dev services start while the portal builds; each is optional.
# At a lower priority: on a small machine the portal comes first.
nice -n 10 bash scripts/dev-services.sh start &
services=$!
trap 'kill $services 2>/dev/null; bash scripts/dev-services.sh stop' EXIT
# However this script ends (killed outright, before any trap runs), its dev
# services go with it: a watchdog in its own session.
setsid bash -c "while kill -0 $$ 2>/dev/null; do sleep 1; done; sleep 2; bash scripts/dev-services.sh stop" \
  </dev/null >/dev/null 2>&1 &
trap 'exit 130' INT
trap 'exit 143' TERM

# In the foreground, so that Ctrl-C reaches it.
yarn start
