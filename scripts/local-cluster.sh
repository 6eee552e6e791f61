#!/usr/bin/env bash
# A cluster of orchestrator nodes on 127.0.0.1, for trying things by hand.
#
#   scripts/local-cluster.sh up N        build the node, start nodes 1..N (HTTP on 5081.., remoting on 4053..,
#                                        management on 8558..)
#   scripts/local-cluster.sh status      each node: pid, ports, readiness, member status
#   scripts/local-cluster.sh kill I      SIGKILL node I (kill -9: no shutdown of any kind)
#   scripts/local-cluster.sh stop I      SIGTERM node I (it stops in order and leaves the cluster)
#   scripts/local-cluster.sh start I     start node I again, on its own ports and data (or a new node I > N)
#   scripts/local-cluster.sh down        SIGTERM every node, wait for them to exit
#
# Options (before the command): --http-base P (default 5081), --akka-base P (default 4053), --management-base P
# (default 8558), --dir D (default ${XDG_STATE_HOME:-$HOME/.local/state}/orchestrator-local-cluster): each node
# keeps its data (journal, payments ledger), its log (node-I.log) and its pid there. The bases and N given to 'up'
# are kept there too, and used by the later commands. STABLE_AFTER (default 00:00:10) sets Cluster:StableAfter.
#
# The nodes form their cluster with Cluster Bootstrap: nodes 1..N of 'up' are the contact points (their management
# endpoints), listed on every node. A starting node joins the cluster any contact point is in, so a restarted node,
# whichever it is, never forms a second cluster while another node is up. A new cluster forms only when all N
# contact points answer and none is in a cluster (after 'down', or when every node was killed: start them all).
set -euo pipefail

http_base=5081
akka_base=4053
management_base=8558
size=0
dir="${XDG_STATE_HOME:-$HOME/.local/state}/orchestrator-local-cluster"
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --http-base) http_base="$2"; shift 2 ;;
    --akka-base) akka_base="$2"; shift 2 ;;
    --management-base) management_base="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    -h|--help) usage 0 ;;
    --*) echo "Unknown option $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
command="$1"; shift

number() { # number NAME VALUE MIN
  if ! [[ "$2" =~ ^[0-9]+$ ]] || [ "$2" -lt "$3" ]; then echo "$1 must be a whole number of at least $3, not '$2'." >&2; exit 2; fi
}
number --http-base "$http_base" 1
number --akka-base "$akka_base" 1
number --management-base "$management_base" 1
# The bases and the size chosen at 'up' hold for the cluster's later commands.
if [ "$command" != up ] && [ -f "$dir/cluster.conf" ]; then read -r http_base akka_base management_base size < "$dir/cluster.conf"; fi

dll="$root/src/Orchestrator/bin/Release/net10.0/Orchestrator.dll"
pid_of() { cat "$dir/node-$1.pid" 2>/dev/null || true; }
# A process runs when it exists and is not a zombie (exited, not yet reaped: kill -0 still succeeds for it).
running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
alive() { running "$(pid_of "$1")"; }
count() { ls "$dir"/node-*.conf 2>/dev/null | wc -l; }

build() {
  echo "Building the node (Release)..."
  dotnet build "$root/src/Orchestrator" -c Release -nologo -v quiet >/dev/null
}

start_node() { # start_node I
  local i="$1"
  if alive "$i"; then echo "node $i already runs (pid $(pid_of "$i"))"; return; fi
  local http=$((http_base + i - 1)) akka=$((akka_base + i - 1)) management=$((management_base + i - 1))
  mkdir -p "$dir/node-$i"
  echo "$http $akka $management" > "$dir/node-$i.conf"
  # The contact points: the management endpoints of nodes 1..N of 'up', on every node.
  local contact=() c
  for c in $(seq 1 "$size"); do
    contact+=("Cluster__Bootstrap__ContactPoints__$((c - 1))=127.0.0.1:$((management_base + c - 1))")
  done
  # setsid: the node is not in this shell's process group, so Ctrl-C here does not reach it.
  env ASPNETCORE_URLS="http://127.0.0.1:$http" \
  Cluster__Hostname=127.0.0.1 Cluster__Port="$akka" \
  Cluster__Bootstrap__Discovery=Config Cluster__Bootstrap__ManagementPort="$management" "${contact[@]}" \
  Cluster__Bootstrap__StableMargin="${STABLE_MARGIN:-00:00:03}" \
  Cluster__StableAfter="${STABLE_AFTER:-00:00:10}" \
  Orchestrator__WriteQueue__DatabasePath="$dir/node-$i/orchestrator.db" \
    setsid dotnet "$dll" >>"$dir/node-$i.log" 2>&1 < /dev/null &
  echo $! > "$dir/node-$i.pid"
  echo "node $i: pid $!, http://127.0.0.1:$http, remoting 127.0.0.1:$akka, log $dir/node-$i.log"
}

wait_ready() { # wait_ready I [seconds]
  local i="$1" limit="${2:-60}" http
  http=$(cut -d' ' -f1 "$dir/node-$i.conf")
  for _ in $(seq 1 $((limit * 4))); do
    if curl -fs -o /dev/null "http://127.0.0.1:$http/health/ready"; then echo "node $i is ready"; return 0; fi
    if ! alive "$i"; then echo "node $i exited; see $dir/node-$i.log" >&2; tail -5 "$dir/node-$i.log" >&2; return 1; fi
    sleep 0.25
  done
  echo "node $i is not ready after ${limit} s; see $dir/node-$i.log" >&2
  return 1
}

signal_node() { # signal_node I SIGNAL
  local i="$1" pid
  pid="$(pid_of "$i")"
  if ! alive "$i"; then echo "node $i does not run"; return; fi
  kill "-$2" "$pid"
  local done="stopped"
  [ "$2" = KILL ] && done="killed"
  for _ in $(seq 1 120); do running "$pid" || { echo "node $i (pid $pid) $done"; return; }; sleep 0.25; done
  echo "node $i (pid $pid) did not stop within 30 s" >&2
}

index() { # index I: a node that exists
  number "node" "$1" 1
  [ -f "$dir/node-$1.conf" ] || [ "${2:-}" = new ] || { echo "There is no node $1 (nodes: 1..$(count))." >&2; exit 2; }
}

case "$command" in
  up)
    [ $# -eq 1 ] || usage
    number N "$1" 1
    mkdir -p "$dir"
    size="$1"
    echo "$http_base $akka_base $management_base $size" > "$dir/cluster.conf"
    build
    for i in $(seq 1 "$1"); do start_node "$i"; done
    for i in $(seq 1 "$1"); do wait_ready "$i"; done
    ;;
  start)
    [ $# -eq 1 ] || usage
    index "$1" new
    [ -f "$dll" ] || build
    start_node "$1"
    wait_ready "$1"
    ;;
  kill) [ $# -eq 1 ] || usage; index "$1"; signal_node "$1" KILL ;;
  stop) [ $# -eq 1 ] || usage; index "$1"; signal_node "$1" TERM ;;
  down)
    for conf in "$dir"/node-*.conf; do
      [ -e "$conf" ] || { echo "No nodes in $dir"; exit 0; }
      i="${conf##*/node-}"; i="${i%.conf}"
      signal_node "$i" TERM
    done
    ;;
  status)
    printf '%-5s %-8s %-24s %-16s %-16s %-10s %s\n' node pid http remoting management ready member
    for conf in "$dir"/node-*.conf; do
      [ -e "$conf" ] || { echo "No nodes in $dir"; exit 0; }
      i="${conf##*/node-}"; i="${i%.conf}"
      read -r http akka management < "$conf"
      pid="-"; ready="-"; member="-"
      if alive "$i"; then
        pid="$(pid_of "$i")"
        ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/health/ready" || true)
        member=$(curl -s "http://127.0.0.1:$http/health" | sed -n 's/.*"memberStatus":"\([A-Za-z]*\)".*/\1/p' || true)
      fi
      printf '%-5s %-8s %-24s %-16s %-16s %-10s %s\n' "$i" "$pid" "http://127.0.0.1:$http" "127.0.0.1:$akka" "127.0.0.1:${management:--}" "$ready" "${member:--}"
    done
    ;;
  *) echo "Unknown command '$command'." >&2; usage ;;
esac
