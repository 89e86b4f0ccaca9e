#!/usr/bin/env bash
# The Python tools the portal's scripts and tests use, from PyPI, in one
# virtualenv under .tools/venv (created or updated when
# scripts/python-requirements.txt changes): mkdocs with TechDocs' own
# plugin set, Dramatiq for the dead-letter tests and demo data. pip uses the
# machine's own index settings (pip config); no host is named here.
#
#   bash scripts/python-tools.sh          # prints the venv's bin folder
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$REPO_ROOT/.tools/venv"
requirements="$REPO_ROOT/scripts/python-requirements.txt"
# Every transitive package pinned too (pip freeze of a tested venv).
constraints="$REPO_ROOT/scripts/python-constraints.txt"
stamp="$venv/.requirements.sha256"
want="$(cat "$requirements" "$constraints" | sha256sum | cut -d' ' -f1)"

# One installer at a time (tests, dev services and the docs build may ask at once).
mkdir -p "$REPO_ROOT/.tools"
exec 9>"$REPO_ROOT/.tools/venv.lock"
flock 9
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "python-tools: installing $(grep -cvE '^\s*(#|$)' "$requirements") packages into .tools/venv" >&2
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet -r "$requirements" -c "$constraints" >&2
  echo "$want" >"$stamp"
fi
echo "$venv/bin"
