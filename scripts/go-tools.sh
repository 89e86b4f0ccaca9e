#!/usr/bin/env bash
# The Go tools the portal's scripts and tests use, built with `go install`
# at pinned versions from the Go module proxy the machine's `go` is set up
# with (no host is named here), into .tools/bin. Everything Go writes stays
# under .tools/ (GOPATH, module and build caches), nothing in $HOME.
#
#   bash scripts/go-tools.sh          # installs what is missing or at another
#                                     # version; prints the folder of the tools
#   bash scripts/go-tools.sh sloth    # the same, then prints the tool's path
#
# Fast when nothing changed: each tool has a stamp file with the version it
# was built at, and is not rebuilt while it matches (a few milliseconds).
# Needs Go on PATH (or in /usr/local/go/bin), as new as the tools' go.mod
# ask (Sloth v0.16.0: Go 1.26); no other toolchain is downloaded.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"

# name  module path of the command  version  [variable that holds the
# version, set at link time so the tool reports it]
TOOLS=(
  # Sloth: Prometheus recording rules and alerts from SLO specs
  # (scripts/sloth-rules.cjs).
  "sloth github.com/slok/sloth/cmd/sloth v0.16.0 github.com/slok/sloth/internal/info.Version"
)

export GOBIN="$TOOLS_DIR/bin"
export GOPATH="$TOOLS_DIR/go"
export GOMODCACHE="$TOOLS_DIR/go/pkg/mod"
export GOCACHE="$TOOLS_DIR/go-build"
# Module cache files writable, so `rm -rf .tools` works; never fetch another
# Go toolchain (the machine's is used); no telemetry files in $HOME.
export GOFLAGS="-modcacherw ${GOFLAGS:-}"
export GOTOOLCHAIN=local
export GOTELEMETRY=off

want_tool="${1:-}"
found=""
for entry in "${TOOLS[@]}"; do
  read -r name module version version_var <<<"$entry"
  [ "$name" = "$want_tool" ] && found="$GOBIN/$name"
  stamp="$GOBIN/.$name.version"
  if [ -x "$GOBIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    continue
  fi
  if ! command -v go >/dev/null 2>&1; then
    [ -x /usr/local/go/bin/go ] && export PATH="/usr/local/go/bin:$PATH"
  fi
  if ! command -v go >/dev/null 2>&1; then
    echo "go-tools: no Go toolchain on PATH (needed to build $name $version): install Go 1.26 or newer" >&2
    exit 1
  fi
  mkdir -p "$GOBIN"
  # One build at a time (test files may ask for the same tool at once); the
  # one that waited finds it built.
  exec 9>"$TOOLS_DIR/.go-tools.lock"
  flock 9
  if [ -x "$GOBIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$module@$version" ]; then
    flock -u 9
    continue
  fi
  echo "go-tools: building $name $version with $(go version | awk '{print $3}') (go install $module@$version; a few minutes the first time)" >&2
  started=$SECONDS
  ldflags="-s -w"
  [ -n "${version_var:-}" ] && ldflags="$ldflags -X $version_var=$version"
  log="$TOOLS_DIR/go-tools.log"
  if ! go install -trimpath -ldflags "$ldflags" "$module@$version" >"$log" 2>&1; then
    # e.g. "go.mod requires go >= 1.26.0 (running go 1.19; GOTOOLCHAIN=local)"
    tail -20 "$log" >&2
    echo "go-tools: go install $module@$version failed (full log: $log)" >&2
    exit 1
  fi
  echo "$module@$version" >"$stamp"
  # The build cache (about 1 GB for Sloth) is not needed once the tool is
  # built; the module cache is kept for the next version's build.
  go clean -cache >/dev/null 2>&1 || true
  flock -u 9
  echo "go-tools: $name $version ready in $((SECONDS - started)) s ($GOBIN/$name)" >&2
done

if [ -n "$want_tool" ]; then
  if [ -z "$found" ]; then
    echo "go-tools: no tool named '$want_tool' (known: $(printf '%s ' "${TOOLS[@]%% *}"))" >&2
    exit 2
  fi
  echo "$found"
else
  echo "$GOBIN"
fi
