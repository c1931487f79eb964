#!/usr/bin/env bash
# Clears all of moto's state (every account, region and service). Other suites may be using moto
# at the same time: prefer unique resource names over a reset where that is possible.
set -euo pipefail
CACHE="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"
endpoint="${PLATFORM_AWS_ENDPOINT:-}"
if [ -z "$endpoint" ] && [ -f "$CACHE/toolchain.env" ]; then
  # shellcheck disable=SC1091
  endpoint="$(. "$CACHE/toolchain.env" && echo "$PLATFORM_AWS_ENDPOINT")"
fi
[ -n "$endpoint" ] || { echo "no moto endpoint: run \`npx nx run toolchain:ensure\` first" >&2; exit 1; }
curl -fsS -m 10 -X POST "$endpoint/moto-api/reset" >/dev/null
echo "moto at $endpoint reset"
