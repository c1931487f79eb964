#!/usr/bin/env bash
# Lints GitHub Actions workflow files with actionlint (and shellcheck on `run:` scripts when present).
# actionlint is built from its Go module once and cached; a machine with actionlint on PATH uses it.
#
#   bash tools/ops/scripts/lint-workflows.sh                 # .github/workflows/*.yml|yaml
#   bash tools/ops/scripts/lint-workflows.sh FILE...         # the given files only
#
# Environment: PLATFORM_CACHE_DIR (default ~/.cache/fargate-platform), ACTIONLINT_VERSION (pin),
# PLATFORM_SHELLCHECK=0 to skip installing shellcheck (actionlint then checks without it).
set -euo pipefail

ACTIONLINT_VERSION="${ACTIONLINT_VERSION:-v1.7.12}"
CACHE_DIR="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"
BIN_DIR="$CACHE_DIR/bin"
repo_root="$(cd "$(dirname "$0")/../../.." && pwd)"

log() { printf '[lint-workflows] %s\n' "$*" >&2; }

# Prints the path of an actionlint binary, building it into the cache when neither PATH nor the cache has one.
ensure_actionlint() {
  if command -v actionlint >/dev/null 2>&1; then
    command -v actionlint
    return
  fi
  # Versioned file name: bumping ACTIONLINT_VERSION builds the new one instead of reusing a stale binary.
  local cached="$BIN_DIR/actionlint-$ACTIONLINT_VERSION"
  if [[ -x "$cached" ]]; then
    echo "$cached"
    return
  fi
  if ! command -v go >/dev/null 2>&1; then
    log "actionlint is not on PATH and no Go toolchain is there to build it ($cached missing)."
    log "Install Go (>= 1.24) or put actionlint $ACTIONLINT_VERSION on PATH."
    exit 1
  fi
  mkdir -p "$BIN_DIR"
  # One builder at a time; a second caller waits and then finds the binary.
  exec 9>"$BIN_DIR/.actionlint.lock"
  flock 9
  if [[ ! -x "$cached" ]]; then
    local gobin
    gobin="$(mktemp -d "$BIN_DIR/.actionlint-build.XXXXXX")"
    log "building actionlint $ACTIONLINT_VERSION from its Go module (once; cached in $BIN_DIR)"
    local started=$SECONDS
    if ! GOBIN="$gobin" CGO_ENABLED=0 GOFLAGS=-trimpath go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2; then
      rm -rf "$gobin"
      log "go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))"
      exit 1
    fi
    mv "$gobin/actionlint" "$cached"
    rm -rf "$gobin"
    log "built in $((SECONDS - started)) s"
  fi
  flock -u 9
  echo "$cached"
}

# actionlint runs shellcheck on every `run:` block when shellcheck is on PATH. Optional: install Debian's
# package when we can (root + apt-get), otherwise say that scripts are not shellchecked.
ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return
  if [[ "${PLATFORM_SHELLCHECK:-1}" != "0" && "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian's shellcheck (actionlint checks run: scripts with it)"
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null 2>&1; }; then
      return
    fi
  fi
  log "shellcheck not available: run: scripts are not shellchecked (workflow syntax and expressions still are)"
}

actionlint_bin="$(ensure_actionlint)"
ensure_shellcheck

files=("$@")
if [[ ${#files[@]} -eq 0 ]]; then
  shopt -s nullglob
  files=("$repo_root"/.github/workflows/*.yml "$repo_root"/.github/workflows/*.yaml)
  shopt -u nullglob
  if [[ ${#files[@]} -eq 0 ]]; then
    log "no workflow files under $repo_root/.github/workflows"
    exit 1
  fi
fi

log "$("$actionlint_bin" -version | head -1) on ${#files[@]} file(s)$(command -v shellcheck >/dev/null && echo ", with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')")"
# -config-file: the repository's own actionlint config (self-hosted runner labels etc.), kept beside this script.
cd "$repo_root"
exec "$actionlint_bin" -no-color -config-file "$repo_root/tools/ops/actionlint.yaml" "${files[@]}"
