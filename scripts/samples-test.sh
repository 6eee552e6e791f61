#!/usr/bin/env bash
# Builds the NuGet packages and checks them the way a user meets them (CI runs it after the tests):
#
#   scripts/samples-test.sh
#
# 1. `dotnet pack Packages.slnf` (the packages of Orchestrator.sln, nothing else) into artifacts/packages; each package's metadata is checked (id, description,
#    license, readme, repository commit, tags, symbols; no project URL: the project has no public address yet) and what it depends on (the core: Akka, Akka.Hosting
#    and Microsoft.Extensions abstractions only).
# 2. The samples (samples/), built against those packages from the local feed (samples/nuget.config), never by
#    project reference, and run: ActorTellAsk (tell and ask, prints and exits), ClusteredShop (two clustered nodes
#    sharing a breaker), GuardedHttpApi (an ASP.NET Core API guarding an HTTP service, driven with curl through an outage).
# 3. README.md's "Embed it" steps, run literally in a new directory: the commands, Program.cs from the README, dotnet run.
#
# Packages are restored into a new, empty NuGet cache (NUGET_PACKAGES), so a package of the same version packed
# earlier can never stand in for the one just built. Exit 0 when every check passed, 1 otherwise.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
api_pid=""
cleanup() { if [ -n "$api_pid" ]; then kill "$api_pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
export NUGET_PACKAGES="$work/nuget-packages" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log() { echo "[samples-test $(date +%T)] $*"; }
fail() { echo "[samples-test] FAILED: $*" >&2; exit 1; }
version="$(sed -n 's:.*<OrchestratorVersion>\(.*\)</OrchestratorVersion>.*:\1:p' src/Version.props)"

log "packing Packages.slnf (the four packages of Orchestrator.sln, version $version) into artifacts/packages"
rm -rf artifacts/packages
dotnet pack Packages.slnf -c Release -o artifacts/packages -v quiet -nologo
for id in Orchestrator.Contracts Orchestrator.Actors Orchestrator.Clustering Orchestrator.WriteQueue; do
  package="artifacts/packages/$id.$version.nupkg"
  [ -f "$package" ] || fail "$package was not packed"
  [ -f "artifacts/packages/$id.$version.snupkg" ] || fail "$id has no symbol package"
  nuspec="$(unzip -p "$package" "$id.nuspec")"
  for field in '<description>' '<license type="expression">Apache-2.0</license>' '<readme>README.md</readme>' \
               '<repository type="git"' '<tags>'; do
    grep -qF "$field" <<<"$nuspec" || fail "$id: the nuspec has no $field"
  done
  ! grep -q '<description>Package Description</description>' <<<"$nuspec" || fail "$id: the default description"
  grep -q 'commit="[0-9a-f]\{40\}"' <<<"$nuspec" || fail "$id: the repository element names no commit (SourceLink)"
  # The listing is read whole first: `unzip | grep -q` can fail under pipefail when grep stops reading early.
  files="$(unzip -Z1 "$package")"
  grep -qx "README.md" <<<"$files" || fail "$id: README.md is not in the package"
  grep -qx "lib/net10.0/$id.dll" <<<"$files" || fail "$id: lib/net10.0/$id.dll is not in the package"
done
core_nuspec="$(unzip -p "artifacts/packages/Orchestrator.Actors.$version.nupkg" Orchestrator.Actors.nuspec)"
core_dependencies="$(grep -o '<dependency id="[^"]*"' <<<"$core_nuspec" | cut -d'"' -f2 | sort | tr '\n' ' ' || true)"
[ -n "$core_dependencies" ] || fail "Orchestrator.Actors lists no dependencies (it needs Akka and Akka.Hosting)"
log "Orchestrator.Actors depends on: $core_dependencies"
for dependency in $core_dependencies; do
  case "$dependency" in
    # System.Threading.RateLimiting: the framework's RateLimiter contract (Microsoft's, no dependencies of its own
    # on net10.0), which the per-dependency rate limit implements.
    Akka|Akka.Hosting|Orchestrator.Contracts|Microsoft.Extensions.*|System.Threading.RateLimiting) ;;
    *) fail "the core package depends on $dependency (only Akka, Akka.Hosting, Microsoft.Extensions.*, System.Threading.RateLimiting and the contracts are allowed)" ;;
  esac
done

log "ActorTellAsk: build against the packages and run"
out="$(dotnet run --project samples/ActorTellAsk -c Release 2>&1)" || { echo "$out"; fail "ActorTellAsk did not run"; }
echo "$out" | grep -E '^(ada|grace|direct)' || true
grep -q '^ada: Ada Lovelace (Succeeded)$' <<<"$out" || fail "ActorTellAsk: ada's profile did not succeed"
grep -q '^grace: a guest (Fallback, Error)$' <<<"$out" || fail "ActorTellAsk: no fallback while the service failed"
grep -q '^grace: a guest (Fallback, BreakerOpen)$' <<<"$out" || fail "ActorTellAsk: the breaker did not open"
grep -q '^direct ask: Rejected (BreakerOpen)$\|^direct ask: Failed (BreakerOpen)$' <<<"$out" || fail "ActorTellAsk: the direct ask did not report the open breaker"

log "ClusteredShop: two clustered nodes against the packages; a breaker opened on one opens on the other"
out="$(dotnet run --project samples/ClusteredShop -c Release 2>&1)" || { echo "$out"; fail "ClusteredShop did not run"; }
echo "$out" | grep -E '^(cluster|node)' || true
grep -q '^cluster: 2 nodes Up$' <<<"$out" || fail "ClusteredShop: the two nodes did not form a cluster"
grep -q '^node B: Succeeded: charged$' <<<"$out" || fail "ClusteredShop: node B's first charge did not succeed"
grep -q '^node A, call 3: Fallback: queued (Error)$' <<<"$out" || fail "ClusteredShop: node A's calls did not fail over to the fallback"
grep -q '^node B: breaker Open, follows the cluster: True$' <<<"$out" || fail "ClusteredShop: node B's breaker did not open on node A's evidence"
grep -q '^node B: Fallback: queued (BreakerOpen); payments called by node B 1 time(s) in all$' <<<"$out" || fail "ClusteredShop: node B called payments with its breaker open"
grep -q 'a majority of two is both, so the breakers of inventory' <<<"$out" || fail "ClusteredShop: no warning that Quorum does nothing with two nodes"

log "GuardedHttpApi: build against the packages, start, drive through an outage"
dotnet build samples/GuardedHttpApi -c Release -v quiet -nologo >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
dotnet run --project samples/GuardedHttpApi -c Release --no-build -- --urls "$base" --Quotes:BaseAddress "$base/" >"$work/api.log" 2>&1 &
api_pid=$!
for _ in $(seq 1 60); do curl -fsS "$base/status" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "$base/status" >/dev/null || { cat "$work/api.log"; fail "GuardedHttpApi did not start"; }
quote() { curl -fsS "$base/quotes/$1" || { cat "$work/api.log"; fail "GuardedHttpApi: GET /quotes/$1 did not answer 200"; }; }
first="$(quote ACME)"; echo "  $first"
[ "$(jq -r .outcome <<<"$first")" = Succeeded ] || fail "GuardedHttpApi: the first quote did not succeed"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$base/quotes/no%20pe")" = 400 ] || fail "GuardedHttpApi: a bad symbol is not 400"
curl -fsS -X POST "$base/upstream/outage" >/dev/null || fail "GuardedHttpApi: POST /upstream/outage failed"
sleep 1.5 # past the cached quote's fresh time (Cache:FreshFor, 1 s): the service is asked again, and fails
stale="$(quote ACME)"; echo "  $stale"
[ "$(jq -r .freshness <<<"$stale")" = Stale ] || fail "GuardedHttpApi: no stale quote during the outage"
[ "$(jq -r .quote.price <<<"$stale")" != null ] || fail "GuardedHttpApi: the stale quote has no price"
for _ in 1 2 3; do quote NEW >/dev/null; done
open="$(quote NEW)"; echo "  $open"
[ "$(jq -r .reason <<<"$open")" = BreakerOpen ] || fail "GuardedHttpApi: the breaker did not open"
status_json="$(curl -fsS "$base/status")" || fail "GuardedHttpApi: GET /status failed"
[ "$(jq -r .breaker <<<"$status_json")" = Open ] || fail "GuardedHttpApi: /status does not show the breaker open"
kill "$api_pid"; wait "$api_pid" 2>/dev/null || true; api_pid=""

log "README.md's Embed it: the steps, literally, in a new directory"
block() { # the fenced code between <!-- getting-started:$1 --> and <!-- /getting-started:$1 -->
  awk -v begin="<!-- getting-started:$1 -->" -v end="<!-- /getting-started:$1 -->" '
    $0 == begin { inside = 1; next } $0 == end { inside = 0 } inside && !/^```/ { print }' README.md
}
commands="$(block commands)"; program="$(block program)"; run="$(block run)"
[ -n "$commands" ] && [ -n "$program" ] && [ -n "$run" ] || fail "README.md has no getting-started blocks"
grep -q -- "--version $version" <<<"$commands" || fail "README.md's steps do not add version $version"
# The steps make a directory of their own (mktemp -d): TMPDIR points it into $work, so that it goes with $work.
app="$(TMPDIR="$work" bash -euo pipefail -c "$commands"$'\npwd' 2>&1 | tee "$work/steps.log" | tail -n 1)" || { cat "$work/steps.log"; fail "README.md's steps failed"; }
[ -f "$app/Shop.csproj" ] || { cat "$work/steps.log"; fail "README.md's steps made no Shop.csproj"; }
printf '%s\n' "$program" > "$app/Program.cs"
out="$(cd "$app" && bash -euo pipefail -c "$run" 2>&1)" || { echo "$out"; fail "the README's program did not run"; }
echo "$out" | grep '^call ' || true
grep -q '^call 1: Succeeded: charged$' <<<"$out" || fail "the README's program: call 1 did not succeed"
grep -q '^call 3: Fallback: queued (Error)$' <<<"$out" || fail "the README's program: call 3 did not fall back"
grep -q '^call 8: Fallback: queued (BreakerOpen)$' <<<"$out" || fail "the README's program: the breaker did not open by call 8"

log "all checks passed"
