#!/usr/bin/env bash
# README command (1), after `npm install`: deploy every service (apps/*/service.json) to the local
# environment on Docker through the same Nx chain as AWS. Each `<service>:deploy -c local` builds,
# dockerizes, applies the foundation (data volume, network, PostgreSQL, proxy), pushes to the loopback
# registry, migrates in a one-off container, applies the service's own stack (its replicas), waits for
# /_ready (a worker: its containers running) and checks /version. Nx's own summary comes after the
# chain's output, so this script repeats what matters at the end:
#   success: the proxy URL (from the stacks' outputs) is the last line, exit 0;
#   failure: the failed task(s) and their error lines, last, on stderr, with Nx's exit code.
# Usage: bash tools/scripts/deploy-local.sh   (extra arguments go to nx, e.g. --skip-nx-cache)
set -uo pipefail
cd "$(dirname "$0")/../.."

export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

log="$(mktemp "${TMPDIR:-/tmp}/deploy-local.XXXXXX")"
trap 'rm -f "$log"' EXIT

# The toolchain first, outside Nx: a cold install takes minutes, and under `--outputStyle=static` Nx
# holds a dependency's output until it ends; here its one line per step shows as it happens (the JSON
# summary line is left out). The chain's own toolchain:ensure is then a warm run of about a second.
bash tools/toolchain/ensure.sh | { grep --line-buffered -v '^{' || true; }
if ((PIPESTATUS[0] != 0)); then
  echo "deploy-local: FAILED: tools/toolchain/ensure.sh (see its ERROR line above)." >&2
  exit 1
fi

# Every service (apps/*/service.json), one after the other (nx.json parallel: 1).
npx nx run-many -t deploy -c local -p tag:service --outputStyle=static "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

if ((rc != 0)); then
  {
    echo
    echo "deploy-local: FAILED (nx exit ${rc})."
    # Nx lists the failed tasks after "Failed tasks:" as "- project:target:configuration".
    failed="$(sed -n '/Failed tasks:/,$p' "$log" | sed -n 's/^[[:space:]]*- \([^[:space:]]*:[^[:space:]]*\).*/\1/p')"
    [[ -n "$failed" ]] && echo "failed step(s): $(echo "$failed" | paste -sd ' ' -)"
    # The chain's executors end a failure with "<step> failed: <message>" (message may continue on the
    # following lines until a blank line); other tasks (tsc, terraform) print their own errors above.
    errors="$(awk '/^[a-z][a-z -]* failed: /{on=1} on&&/^$/{on=0} on' "$log" | head -n 40)"
    if [[ -n "$errors" ]]; then
      echo "error:"
      echo "$errors"
    else
      echo "error: see the output of the failed step above."
    fi
  } >&2
  exit "$rc"
fi

# Where the stacks CLI wrote the outputs (PLATFORM_STACKS_OUT_DIR moves it, as for the stacks CLI).
outputs="${PLATFORM_STACKS_OUT_DIR:-stacks/out}/outputs/local.json"
url="$(node -e '
  const doc = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const url = doc.stacks && doc.stacks.local && doc.stacks.local.proxy_url;
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) process.exit(1);
  process.stdout.write(url);
' "$outputs" 2>/dev/null)" || {
  echo "deploy-local: the chain succeeded but ${outputs} has no stacks.local.proxy_url." >&2
  exit 1
}
echo
echo "$url"
