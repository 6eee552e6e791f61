#!/usr/bin/env bash
# Runs docker-compose.yml for real: a three-node cluster in containers built from the project's Dockerfile, then
# checks it and tears it down.
#
#   scripts/compose-test.sh
#
# 1. A container engine: the running Docker engine, else one started here (dockerd from Debian's docker.io, data
#    under $WORK), used through DOCKER_HOST.
# 2. Base images: the official .NET images when they can be pulled; else local stand-ins, built from Debian packages
#    (mmdebstrap, from this machine's own apt sources, read now) plus this machine's .NET SDK and CA certificates.
# 3. The node image, from src/Orchestrator/Dockerfile unchanged (its base images are build arguments).
# 4. docker-compose up; then the checks: three members Up and ready; an outage seen by node1's container opens
#    recommendations' breaker (AnyOpen) on all three; node3 killed: the survivors serve, node3 is removed; node3
#    started again: it rejoins (Cluster Bootstrap: through a contact point), and all three are Up; members talk over
#    mutual TLS (akka.ssl.tcp); node2 killed through POST /api/node/kill (KILL_ROUNDS times; KILL_CHECK=0 skips
#    it): its process (the container's PID 1) ends, the restart policy starts it again, and it rejoins.
# 5. Tear down: containers, volumes, the network (and the engine, if started here).
#
# WORK (default /tmp/orchestrator-compose-test) holds the engine's data and the base image's root filesystem;
# KEEP_IMAGES=1 keeps the images (and an engine started here, its data) for the next run.
#
# Exit codes: 0 all checks passed; 1 a check failed, or the node image could not be built; 3 this machine cannot run
# containers (no engine could be started, or no base image could be had): nothing was tested.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-/tmp/orchestrator-compose-test}"
project=orchestrator-compose-test
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
started_engine=""
mkdir -p "$work"
log() { echo "[compose-test $(date +%T)] $*"; }
cannot_run() { log "this machine cannot run containers: $*"; exit 3; }
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"

install() { # install PACKAGE... (Debian); a package that cannot be installed shows up as a missing command
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null || true
}

cleanup() {
  local status=$?
  log "tearing down"
  if docker info >/dev/null 2>&1; then
    docker-compose -p "$project" -f "$root/docker-compose.yml" down -v --remove-orphans >/dev/null 2>&1 || true
    if [ -z "${KEEP_IMAGES:-}" ]; then docker rmi -f orchestrator-node >/dev/null 2>&1 || true; fi
  fi
  if [ -n "$started_engine" ]; then
    $sudo kill "$(cat "$work/docker.pid")" 2>/dev/null || true
    for _ in $(seq 1 30); do [ -e "$work/docker.pid" ] || break; sleep 1; done
    [ -n "${KEEP_IMAGES:-}" ] || $sudo rm -rf "$work/docker" "$work/docker-exec" 2>/dev/null || true
  fi
  exit $status
}
trap cleanup EXIT

# --- 1. The engine --------------------------------------------------------------------------------------------
if ! command -v docker >/dev/null 2>&1 || ! command -v docker-compose >/dev/null 2>&1; then install docker.io docker-compose; fi
command -v docker >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 || cannot_run "docker and docker-compose could not be installed"
if ! docker info >/dev/null 2>&1; then
  export DOCKER_HOST="unix://$work/docker.sock"
  if ! docker info >/dev/null 2>&1; then
    log "starting a Docker engine (data in $work/docker)"
    # --group: the socket belongs to this user's group, so docker works here without root.
    $sudo dockerd --data-root "$work/docker" --exec-root "$work/docker-exec" --pidfile "$work/docker.pid" \
      --host "$DOCKER_HOST" --group "$(id -g)" > "$work/dockerd.log" 2>&1 &
    started_engine=1
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log"; cannot_run "the Docker engine did not start (its log is above)"; }
  fi
fi


# --- 2. Base images -------------------------------------------------------------------------------------------
sdk_image=mcr.microsoft.com/dotnet/sdk:10.0
runtime_image=mcr.microsoft.com/dotnet/aspnet:10.0
if timeout 60 docker pull -q "$runtime_image" >/dev/null 2>&1 && timeout 120 docker pull -q "$sdk_image" >/dev/null 2>&1; then
  log "using the official .NET images"
else
  sdk_image=orchestrator-local/dotnet:10.0
  runtime_image=$sdk_image
  if docker image inspect "$sdk_image" >/dev/null 2>&1; then
    log "using the local stand-in $sdk_image built before"
  else
    install mmdebstrap
    # This machine's own Debian source (deb822 .sources or a one-line .list), read now: no mirror is written here.
    # The source whose suites include this machine's release (VERSION_CODENAME in /etc/os-release), component main;
    # a third-party repository does not carry that suite.
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    source_line=""
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -e "$f" ] || continue
      uri=$(awk '/^URIs:/ {print $2; exit}' "$f"); suites=$(awk '/^Suites:/ {$1=""; print; exit}' "$f")
      case " $suites " in *" $codename "*) [ -n "$uri" ] && source_line="deb $uri $codename main" ;; esac
      [ -n "$source_line" ] && break
    done
    if [ -z "$source_line" ]; then
      # One-line sources: "deb [options] URI SUITE COMPONENTS"; the options, if any, are dropped.
      source_line=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | sed -E 's/^deb +\[[^]]*\] +/deb /' | awk -v c="$codename" '$3 == c {print "deb " $2 " " $3 " main"; exit}' || true)
    fi
    suite=$(echo "$source_line" | awk '{print $3}')
    log "building a Debian $suite root filesystem with mmdebstrap (a few minutes)"
    # The .NET SDK needs ICU (the node itself runs with invariant globalization): this machine's libicu package,
    # which exists in the same release.
    icu=$(dpkg-query -W -f='${Package}\n' 'libicu[0-9]*' 2>/dev/null | grep -E '^libicu[0-9]+$' | head -1 || true)
    $sudo mmdebstrap --variant=minbase --include="ca-certificates${icu:+,$icu}" "$suite" "$work/rootfs.tar" "$source_line" > "$work/mmdebstrap.log" 2>&1 \
      || { tail -20 "$work/mmdebstrap.log"; cannot_run "mmdebstrap could not build a base image (its log is above)"; }
    docker import "$work/rootfs.tar" orchestrator-local/debian:"$suite" >/dev/null || cannot_run "the engine could not import the base image"
    rm -f "$work/rootfs.tar"

    # The .NET SDK of this machine (it holds the ASP.NET runtime too), and its CA certificates (HTTPS to NuGet may
    # go through a proxy that re-signs certificates).
    context="$work/dotnet-context"
    rm -rf "$context"; mkdir -p "$context/ca"
    dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
    cp -a "$dotnet_root" "$context/dotnet"
    cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
    globalization=""
    [ -n "$icu" ] || globalization=" DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1" # no ICU in the image: the SDK runs without it
    cat > "$context/Dockerfile" <<EOF
FROM orchestrator-local/debian:$suite
COPY dotnet /usr/share/dotnet
COPY ca/ /usr/local/share/ca-certificates/
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet && update-ca-certificates >/dev/null
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1$globalization
EOF
    log "building the local .NET image $sdk_image"
    docker build -q -t "$sdk_image" "$context" >/dev/null || cannot_run "the local .NET image could not be built"
    rm -rf "$context"
  fi
fi

# --- 3. The node image ----------------------------------------------------------------------------------------
log "building the node image from src/Orchestrator/Dockerfile"
docker build -q -f "$root/src/Orchestrator/Dockerfile" --build-arg SDK_IMAGE="$sdk_image" --build-arg RUNTIME_IMAGE="$runtime_image" \
  -t orchestrator-node "$root" >/dev/null

# --- 4. Up, and the checks ------------------------------------------------------------------------------------
compose() { ADMIN_TOKEN="$token" docker-compose -p "$project" -f "$root/docker-compose.yml" "$@"; }
log "docker-compose up"
compose up -d --no-build >/dev/null 2>&1 || { compose up -d --no-build; exit 1; }

port() { echo $((5080 + $1)); }
json() { curl -s --max-time 5 "http://127.0.0.1:$(port "$1")$2"; }
members_up() { json "$1" /api/status | python3 -c 'import json,sys
d=json.load(sys.stdin); print(sum(1 for m in d["cluster"]["members"] if m["status"]=="Up" and m["reachable"]), len(d["cluster"]["members"]))' 2>/dev/null || echo "0 0"; }
until_true() { # until_true SECONDS WHAT COMMAND...
  local limit="$1" what="$2"; shift 2
  for _ in $(seq 1 "$limit"); do if "$@"; then log "ok: $what"; return 0; fi; sleep 1; done
  log "FAILED: $what (waited ${limit} s)"; compose ps; compose logs --tail 30
  compose logs --no-color --timestamps > "$work/compose-failure.log" 2>&1 || true
  log "every container's whole log: $work/compose-failure.log"; exit 1
}
all_up() { local n="$1"; shift; for i in "$@"; do [ "$(members_up "$i")" = "$n $n" ] || return 1; done; }
ready() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$(port "$1")/health/ready")" = 200 ]; }
breaker() { json "$1" /api/status | python3 -c 'import json,sys
d=json.load(sys.stdin); print(next(x["breaker"]["state"] for x in d["dependencies"] if x["name"]=="recommendations"))' 2>/dev/null || echo "?"; }
all_open() { for i in 1 2 3; do [ "$(breaker "$i")" = Open ] || return 1; done; }
healthy() { [ "$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q "node$1")" 2>/dev/null)" = healthy ]; }

until_true 120 "three members Up on every node" all_up 3 1 2 3
# Mutual TLS is on in docker-compose.yml (demo certificate): every member's address is akka.ssl.tcp://.
tls_members() { json 1 /api/status | python3 -c 'import json,sys
d=json.load(sys.stdin); m=d["cluster"]["members"]; sys.exit(0 if m and all(x["address"].startswith("akka.ssl.tcp://") for x in m) else 1)' 2>/dev/null; }
until_true 10 "the members talk over mutual TLS (akka.ssl.tcp)" tls_members
until_true 60 "every node ready" bash -c "$(declare -f ready port); ready 1 && ready 2 && ready 3"
until_true 60 "every container healthy (the image's health check)" bash -c "$(declare -f healthy compose); project=$project root=$root token=$token; healthy 1 && healthy 2 && healthy 3"

curl -sf -o /dev/null -X POST "http://127.0.0.1:$(port 1)/api/demo/services/recommendations" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"outage": true}'
log "recommendations down on node1 only"
open_after_traffic() { for _ in 1 2 3 4 5; do json 1 /shop/home/u1 >/dev/null; done; all_open; }
until_true 60 "recommendations' breaker opens on all three (AnyOpen)" open_after_traffic

docker kill "$(compose ps -q node3)" >/dev/null
log "node3 killed"
survivors_serve() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$(port 1)/shop/product/p-100")" = 200 ] \
  && [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$(port 2)/shop/product/p-100")" = 200 ]; }
until_true 10 "the survivors serve" survivors_serve
until_true 90 "node3 is removed (two members on node1 and node2)" all_up 2 1 2

compose start node3 >/dev/null
log "node3 started again"
until_true 120 "node3 rejoins: three members Up on every node" all_up 3 1 2 3
# Cluster Bootstrap: node3 joined the running cluster through a contact point both times (first start and restart),
# and never formed a cluster of its own.
rejoined_through_bootstrap() {
  local logs; logs="$(compose logs --no-color node3 2>/dev/null)"
  [ "$(grep -c "to existing cluster" <<<"$logs")" -ge 2 ] && ! grep -q "Initiating new cluster" <<<"$logs"
}
until_true 10 "node3 joined the existing cluster through Cluster Bootstrap" rejoined_through_bootstrap

# The chaos kill (on by default; KILL_CHECK=0 skips it): POST /api/node/kill, as a chaos experiment's kill step sends
# it, ends node2's process, which is its container's PID 1 (it calls _exit: a SIGKILL sent to itself would be ignored
# there); the restart policy (unless-stopped) starts it again, since the engine did not stop it, and it rejoins.
# KILL_ROUNDS (default 1) kills it that many times in a row, each after the cluster is whole again, and prints how
# long each rejoin took. A failed check leaves every container's whole log in $WORK/compose-failure.log.
case "${KILL_CHECK:-1}" in
  0) log "all checks passed (KILL_CHECK=0: the chaos kill and restart were not checked)"; exit 0 ;;
  1) ;;
  *) log "KILL_CHECK must be 1 (the default) or 0, not '${KILL_CHECK}'"; exit 2 ;;
esac
rounds="${KILL_ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { log "KILL_ROUNDS must be a positive whole number, not '$rounds'"; exit 2; }
restarts() { docker inspect -f '{{.RestartCount}}' "$(compose ps -q node2)"; }
address_of() { docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$(compose ps -q "$1")"; }
took=()
for round in $(seq 1 "$rounds"); do
  restarts_before="$(restarts)"
  address_before="$(address_of node2)"
  kill_status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST "http://127.0.0.1:$(port 2)/api/node/kill" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{}')"
  [ "$kill_status" = 202 ] || { log "FAILED: POST /api/node/kill on node2 answered $kill_status, not 202"; exit 1; }
  killed_at=$(date +%s)
  log "kill $round of $rounds: node2 killed through /api/node/kill (its container's address: $address_before)"
  restarted() { [ "$(restarts)" -gt "$restarts_before" ]; }
  until_true 30 "node2's process ended and its restart policy started it again" restarted
  [ "$(address_of node2)" = "$address_before" ] || log "node2's container address changed: $(address_of node2)"
  until_true 120 "node2 rejoins: three members Up on every node" all_up 3 1 2 3
  took+=("$(( $(date +%s) - killed_at )) s")
  log "kill $round of $rounds: the cluster was whole again ${took[-1]} after the kill"
  if [ "$(( $(date +%s) - killed_at ))" -gt 60 ]; then # slow but within the limit: keep the evidence
    compose logs --no-color --timestamps > "$work/compose-slow-rejoin-$round.log" 2>&1 || true
    log "a slow rejoin: every container's whole log is in $work/compose-slow-rejoin-$round.log"
  fi
  until_true 60 "node2 ready" ready 2
done
log "all checks passed (rejoins after the kills: ${took[*]})"
