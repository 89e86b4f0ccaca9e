#!/usr/bin/env bash
# `make start`: installs what is missing, then serves the portal at
# http://localhost:3000 (backend on :7007) on SQLite with guest sign-in.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

# TechDocs are built on this host with Debian's mkdocs.
bash scripts/services.sh install mkdocs:mkdocs mkdocs-material:

yarn install
mkdir -p .tmp/scaffolded
exec yarn start
