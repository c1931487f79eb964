#!/usr/bin/env bash
# Prints what the toolchain uses and how long ensure.sh took (cold = first run in a cache dir,
# warm = later runs), from the state ensure.sh records in $PLATFORM_CACHE_DIR/state.
set -euo pipefail
CACHE="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"
STATE="$CACHE/state"
if [ ! -f "$STATE/last-ensure.json" ]; then
  echo "No toolchain state in $CACHE: run \`npx nx run toolchain:ensure\` first." >&2
  exit 1
fi
# Live figures where the services answer; the recorded ones otherwise.
# shellcheck disable=SC1091
. "$CACHE/toolchain.env"
LIVE_DOCKER="$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null || true)"
LIVE_DRIVER="$(timeout 10 docker info --format '{{.Driver}}' 2>/dev/null || true)"
LIVE_TF="$("$TERRAFORM_BINARY_NAME" version 2>/dev/null | head -n1 || true)"
LIVE_MOTO="$(curl -fsS -m 3 -o /dev/null -w '%{http_code}' "$PLATFORM_AWS_ENDPOINT/moto-api/" 2>/dev/null || true)"
export LIVE_DOCKER LIVE_DRIVER LIVE_TF LIVE_MOTO
python3 - "$STATE/last-ensure.json" "$STATE/ensure-timings.tsv" <<'PY'
import json, os, statistics, sys
last = json.load(open(sys.argv[1]))
runs = []
if os.path.exists(sys.argv[2]):
    for line in open(sys.argv[2]):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 4:
            runs.append({"at": parts[0], "ms": int(parts[1]), "kind": parts[2], "actions": parts[3]})
e = os.environ
def sec(ms): return f"{ms / 1000:.1f} s"
print("Toolchain report")
print(f"  cache dir          {last['cacheDir']}")
print(f"  engine             {last['terraformEngine']} {last['terraformVersion']} ({last['terraform']})"
      + (f" [now: {e['LIVE_TF']}]" if e.get("LIVE_TF") else " [not answering now]"))
print(f"  CLI config         {last['cliConfig']}")
for p in last["providers"]:
    print(f"  provider           {p['name']} {p['version']}: {p['source']} ({p['path']})")
d = last["docker"]
print(f"  docker engine      {e.get('LIVE_DOCKER') or d['serverVersion']} storage={e.get('LIVE_DRIVER') or d['storageDriver']}"
      f" networking={d['networking']} host={last['dockerHost']}"
      f" ({'started by ensure.sh' if d['startedByProject'] else 'found running'})"
      + ("" if e.get("LIVE_DOCKER") else " [not answering now]"))
print(f"  registry           {last['registry']}")
print(f"  moto               {last['motoVersion']} at {last['awsEndpoint']}"
      + ("" if e.get("LIVE_MOTO") == "200" else " [not answering now]"))
print(f"  postgresql bin     {last['postgresBinDir']}")
for k, v in last["images"].items():
    print(f"  image {k:<12} {v}")
cold = [r for r in runs if r["kind"] == "cold"]
warm = [r for r in runs if r["kind"] == "warm"]
if cold:
    c = cold[-1]
    print(f"  ensure cold        {sec(c['ms'])} ({c['at']}; did: {c['actions']})")
else:
    print("  ensure cold        not recorded in this cache dir")
if warm:
    w = warm[-1]
    ws = [r["ms"] for r in warm[-10:]]
    print(f"  ensure warm        {sec(w['ms'])} last ({w['at']}; did: {w['actions']}); median of last {len(ws)}: {sec(statistics.median(ws))}")
else:
    print("  ensure warm        not recorded yet (run ensure again)")
PY
