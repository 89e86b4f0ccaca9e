#!/usr/bin/env bash
# Runs the production build of the backend laid out as in the Docker image
# (packages/backend/Dockerfile): the backend bundle with app-config*.yaml,
# catalog/, templates/, docs/ and policies/ beside it. Its npm dependencies resolve from
# this repository's node_modules instead of a production-only install.
#
#   scripts/prod-backend.sh [--config extra.yaml ...]
#   LOCALPLUS_BACKEND_PROFILE=embedded scripts/prod-backend.sh
# Needs `yarn tsc && yarn build:all` first, and the variables that
# app-config.production.yaml reads (see README.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

bundle=packages/backend/dist/bundle.tar.gz
[ -f "$bundle" ] || { echo "prod-backend: no $bundle; run yarn tsc && yarn build:all" >&2; exit 1; }

dir="${PROD_BACKEND_DIR:-$REPO_ROOT/.tmp/prod-backend}"
# PROD_BACKEND_SHARE_DIR=1: run from a layout another backend laid out and
# still runs from, as a second pod runs the same image (the replica journey:
# its catalog file locations must be the same paths for both, or each
# replica's config provider replaces the other's locations).
if [ "${PROD_BACKEND_SHARE_DIR:-}" = 1 ] && [ -d "$dir/packages/backend" ]; then
  :
else
  rm -rf "$dir"
  mkdir -p "$dir/node_modules/@internal"
  tar xzf "$bundle" -C "$dir"
  # The bundled workspace packages shadow their source folders.
  for pkg in "$dir"/packages/* "$dir"/plugins/*; do
    name="$(node -p "require('$pkg/package.json').name")"
    ln -s "$pkg" "$dir/node_modules/$name"
  done
  for f in app-config.yaml app-config.production.yaml catalog-info.yaml mkdocs.yml catalog docs templates policies; do
    [ -e "$f" ] && cp -r "$f" "$dir/"
  done
fi

export LOCALPLUS_REPO_ROOT="$REPO_ROOT"
# As in the image: production mode, JSON logs.
export NODE_ENV=production
# PROD_BACKEND_LOG=<file> keeps a copy of the log (the e2e tests read it).
if [ -n "${PROD_BACKEND_LOG:-}" ]; then
  exec > >(tee "$PROD_BACKEND_LOG") 2>&1
fi
cd "$dir"
# LOCALPLUS_BACKEND_PROFILE=embedded runs it on the embedded defaults alone
# (SQLite, guest): the benchmark uses it, needing no other service.
# As in the image, metrics on OTEL_METRICS_PORT when it is set.
metrics=(--require "$REPO_ROOT/packages/backend/src/instrumentation.js")
if [ "${LOCALPLUS_BACKEND_PROFILE:-production}" = embedded ]; then
  exec node "${metrics[@]}" packages/backend --config app-config.yaml "$@"
fi
exec node "${metrics[@]}" packages/backend --config app-config.yaml --config app-config.production.yaml "$@"
