#!/usr/bin/env bash
# Mutation testing of the policies (CI runs it after the tests):
#
#   scripts/mutation-test.sh [MIN_SCORE=80]
#
# dotnet-stryker (a local tool, dotnet-tools.json) mutates the policy files named in
# tests/Orchestrator.Tests/stryker-config.json (the breaker, its sliding window, the bulkhead's slots, backoff, the
# retry budget, the stress evaluator) and runs their unit tests against each mutant. A mutant no test notices
# (survived, or not covered by any test) is a behaviour no test pins down. The score of a file is the share of its
# mutants noticed: killed, or timed out (a mutant that makes a test hang is noticed too).
#
# The reports go to artifacts/mutation/reports (mutation-report.md and .json); the per-file table is printed. Exit 0
# when every policy file scores at least MIN_SCORE, 1 otherwise. About 6 minutes on two cores.
set -euo pipefail
min="${1:-80}"
[[ "$min" =~ ^[0-9]+$ ]] && [ "$min" -le 100 ] || { echo "MIN_SCORE must be a whole number from 0 to 100, not '$min'" >&2; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/artifacts/mutation"
rm -rf "$out"
dotnet tool restore >/dev/null
# Stryker builds the test project itself and swaps the mutated assembly into its bin/ while it runs.
(cd tests/Orchestrator.Tests && dotnet tool run dotnet-stryker -- --output "$out") >"$root/artifacts/mutation.log" 2>&1 \
  || { tail -40 "$root/artifacts/mutation.log"; echo "mutation test: stryker failed (log: artifacts/mutation.log)" >&2; exit 1; }
report="$out/reports/mutation-report.json"
[ -f "$report" ] || { echo "mutation test: no report at $report" >&2; exit 1; }

python3 - "$report" "$min" <<'EOF'
import json, sys
report, minimum = sys.argv[1], float(sys.argv[2])
files = json.load(open(report))["files"]
rows, failed = [], False
for path, data in sorted(files.items()):
    counts = {}
    for m in data["mutants"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
    noticed = counts.get("Killed", 0) + counts.get("Timeout", 0)
    missed = counts.get("Survived", 0) + counts.get("NoCoverage", 0)
    if noticed + missed == 0:
        continue  # not a mutated file
    score = 100.0 * noticed / (noticed + missed)
    failed |= score < minimum
    rows.append((path.split("/src/")[-1], score, noticed, missed))
    for m in data["mutants"]:
        if m["status"] in ("Survived", "NoCoverage"):
            line = m["location"]["start"]["line"]
            print(f"  not noticed: {path.split('/src/')[-1]}:{line} {m['mutatorName']} ({m['status']}): {m.get('replacement', '')[:80]}")
print(f"{'file':40} {'score':>7} {'noticed':>8} {'missed':>7}")
for name, score, noticed, missed in rows:
    print(f"{name:40} {score:6.1f}% {noticed:8} {missed:7}{'   BELOW ' + str(int(minimum)) + '%' if score < minimum else ''}")
sys.exit(1 if failed else 0)
EOF
