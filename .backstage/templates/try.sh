#!/usr/bin/env bash
# Tries the plugin templates without touching the checkout: generates the
# triad <id>-common, <id>-backend, <id> into a scratch copy of the repo root
# (its package.json, yarn.lock and tsconfig.json, and these templates, with
# the checkout's node_modules linked in), then type-checks, tests and lints
# what was generated, and deletes the copy.
#
#   .backstage/templates/try.sh [pluginId]     (default: probe)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=/dev/null
source "$ROOT/scripts/env.sh"
ID="${1:-probe}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/plugin-templates.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

cp "$ROOT/package.json" "$ROOT/yarn.lock" "$ROOT/tsconfig.json" "$WORK/"
cp -r "$ROOT/.backstage" "$WORK/"
ln -s "$ROOT/node_modules" "$WORK/node_modules"
mkdir -p "$WORK/plugins/node_modules/@internal"
cd "$WORK"

# --skip-install: no yarn install. Without packages/app and packages/backend
# in the copy, the CLI has no app or backend to add the plugin to.
for template in plugin-common-library backend-plugin frontend-plugin; do
  node_modules/.bin/backstage-cli new --select "$template" \
    --option "pluginId=$ID" --skip-install </dev/null
done
# What `yarn install` would do for the new workspace the others import.
ln -s "../../$ID-common" "plugins/node_modules/@internal/plugin-$ID-common"

echo "== tsc"
cat >tsconfig.try.json <<'EOF'
{
  "extends": "./tsconfig.json",
  "include": ["plugins/*/src", "plugins/*/config.d.ts"],
  "compilerOptions": { "noEmit": true, "incremental": false }
}
EOF
node_modules/.bin/tsc -p tsconfig.try.json

for dir in "$ID-common" "$ID-backend" "$ID"; do
  echo "== $dir: test, lint"
  (cd "plugins/$dir" &&
    CI=true ../../node_modules/.bin/backstage-cli package test &&
    ../../node_modules/.bin/backstage-cli package lint)
done
echo "== the templates generate a plugin that type-checks, passes its tests and lints"
