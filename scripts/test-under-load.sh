#!/usr/bin/env bash
# Runs the whole test suite (README.md's test command) N times with CPU hogs beside it, and reports every failure
# with its test name: a test that fails once under load is a bug to find, not to retry.
#
#   scripts/test-under-load.sh [RUNS=5] [HOGS=1]
#
# HOGS busy loops run for the whole time (one per core they take: 1 on a two-core machine leaves the tests one core).
# Each run's log is kept in artifacts/test-under-load/<date>/run<N>.log, and the record (one line per run, then every
# failure by name and how often) in record.md beside them. Exit 0 when every run passed, 1 otherwise.
set -euo pipefail
runs="${1:-5}"
hogs="${2:-1}"
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "RUNS must be a positive whole number, not '$runs'" >&2; exit 2; }
[[ "$hogs" =~ ^[0-9]+$ ]] || { echo "HOGS must be a whole number, not '$hogs'" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="artifacts/test-under-load/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
log() { echo "[test-under-load $(date +%T)] $*"; }

log "building once (Debug), then $runs run(s) of dotnet test Orchestrator.sln with $hogs CPU hog(s) on $(nproc) core(s)"
dotnet build Orchestrator.sln -c Debug -v quiet -nologo >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }

pids=()
stop_hogs() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_hogs EXIT
for _ in $(seq 1 "$hogs"); do
  ( while :; do :; done ) &
  pids+=($!)
done

failed_runs=0
{
  echo "# Test suite under load: $runs run(s), $hogs CPU hog(s), $(nproc) core(s), $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo
  echo "| Run | Took | Passed | Failed | Failing tests |"
  echo "| ---: | ---: | ---: | ---: | --- |"
} >"$out/record.md"
for run in $(seq 1 "$runs"); do
  started=$(date +%s)
  status=0
  dotnet test Orchestrator.sln --no-build >"$out/run$run.log" 2>&1 || status=$?
  took=$(( $(date +%s) - started ))
  read -r passed failed < <(awk '/(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+/ { gsub(",", ""); f += $4; p += $6 } END { print p + 0, f + 0 }' "$out/run$run.log")
  names="$(sed -n 's/^ *Failed \(.*\) \[[0-9][^]]*\]$/\1/p' "$out/run$run.log" | sort -u | tr '\n' ' ')"
  if [ "$status" != 0 ] && [ "$failed" = 0 ]; then names="dotnet test exited $status without a failed test (see run$run.log)"; failed="?"; fi
  [ "$status" = 0 ] || failed_runs=$((failed_runs + 1))
  echo "| $run | ${took} s | $passed | $failed | ${names:-none} |" >>"$out/record.md"
  log "run $run: ${took} s, $passed passed, $failed failed${names:+: $names}"
done
{
  echo
  echo "Failures by test (over all runs):"
  echo
  sed -n 's/^ *Failed \(.*\) \[[0-9][^]]*\]$/\1/p' "$out"/run*.log | sort | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) \(.*\)$/- \2: \1/' || true
} >>"$out/record.md"
cat "$out/record.md"
log "record: $out/record.md"
[ "$failed_runs" = 0 ]
