#!/usr/bin/env bash
# Builds every TechDocs site of the repository with mkdocs and TechDocs' own
# plugin set (mkdocs-techdocs-core, from scripts/python-tools.sh) in strict
# mode, as TechDocs does: a broken link, a page missing from disk or a bad
# config fails the build. The platform site (mkdocs.yml + docs/) and each
# service's site (catalog/services/*/mkdocs.yml).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="$(mktemp -d)"
mkdocs="$(bash scripts/python-tools.sh)/mkdocs"
trap 'rm -rf "$out"' EXIT
status=0
for config in mkdocs.yml catalog/services/*/mkdocs.yml; do
  [ -f "$config" ] || continue
  if log=$("$mkdocs" build --strict --clean -f "$config" -d "$out/$(dirname "$config" | tr / _)" 2>&1); then
    echo "docs: $config built"
  else
    echo "docs: $config FAILED"; echo "$log" | grep -E "WARNING|ERROR|Error|Aborted" | sed "s/^/    /"; status=1
  fi
done
exit $status
