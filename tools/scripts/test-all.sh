#!/usr/bin/env bash
# README command (2) and .ci/run: install everything the tests need, then run every test.
# Order: toolchain (Docker engine, registry, moto, checkov, Terraform mirror, base images) ->
# lint/build/unit tests of every project -> checkov over every synthesized stack -> integration
# suites that need the toolchain -> local end-to-end.
set -euo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false FORCE_COLOR=0
export PLATFORM_CACHE_DIR="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"

stop_toolchain() {
  # CI leaves nothing running; a developer keeps the engine, registry and moto for the next command.
  if [[ "${CI:-}" == "true" || "${PLATFORM_STOP_TOOLCHAIN:-}" == "1" ]]; then
    bash tools/toolchain/stop.sh || true
  fi
}
trap stop_toolchain EXIT

started=$(date +%s)
step() { printf '\n=== %s (%ss) ===\n' "$1" "$(($(date +%s) - started))"; }

step "toolchain"
bash tools/toolchain/ensure.sh
# shellcheck disable=SC1091
source "$PLATFORM_CACHE_DIR/toolchain.env"

step "lint, build, unit tests"
npx nx run-many -t lint build test --outputStyle=static

step "checkov"
npx nx run stacks:checkov --outputStyle=static

step "integration tests (toolchain checks, moto, Docker)"
npx nx run-many -t integration --outputStyle=static

step "done"
