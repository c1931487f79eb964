#!/usr/bin/env bash
# Stops what tools/toolchain/ensure.sh started (moto, the registry, dockerd), by the pid files
# it wrote under $PLATFORM_CACHE_DIR/run. Engines or servers found already running are not ours
# and are left alone. Caches (images, provider builds, registry data) are kept.
set -euo pipefail
CACHE="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"
RUN="$CACHE/run"

stop_one() { # NAME PIDFILE EXPECTED_CMDLINE_SUBSTRING TIMEOUT_S
  local name="$1" pidfile="$2" expect="$3" timeout="$4" pid
  if [ ! -f "$pidfile" ]; then echo "[toolchain] $name: not started by this project (no $pidfile)"; return; fi
  pid="$(cat "$pidfile")"
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "[toolchain] $name: pid $pid already gone"; rm -f "$pidfile"; return
  fi
  # A recycled pid must not be killed: check it is still the process we started.
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$expect"; then
    echo "[toolchain] $name: pid $pid is no longer $expect; leaving it alone"; rm -f "$pidfile"; return
  fi
  kill -TERM "$pid"
  local deadline=$(( $(date +%s) + timeout ))
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "[toolchain] $name: pid $pid did not stop in ${timeout}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "[toolchain] $name: stopped (pid $pid)"
}

stop_one moto "$RUN/moto.pid" "launcher.py" 15
stop_one registry "$RUN/registry.pid" "docker-registry" 15
# dockerd stops its containers (10 s grace each) and its containerd before exiting.
stop_one dockerd "$RUN/dockerd.pid" "dockerd" 60

# dockerd leaves network-namespace and bind mounts under its data/exec roots; release ours once
# no dockerd of ours runs.
if [ -f "$RUN/dockerd.dirs" ] && [ ! -f "$RUN/dockerd.pid" ]; then
  while read -r dir; do
    [ -n "$dir" ] || continue
    awk '{print $2}' /proc/mounts | grep -E "^${dir}(/|$)" | sort -r | while read -r m; do
      umount -l "$m" 2>/dev/null || true
    done
  done <"$RUN/dockerd.dirs"
  rm -f "$RUN/dockerd.dirs"
fi
