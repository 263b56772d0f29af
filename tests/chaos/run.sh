#!/usr/bin/env bash
# The chaos lab's whole suite (./test.sh runs only its short subset): regions as network namespaces with real
# PostgreSQL, Redis, app servers, a 2 + 2 + 1 mesh and writers, one scenario at a time. Needs root (namespaces,
# iptables). Prints each scenario's numbers and ends with "N passed, N failed". Logs of a failed scenario stay
# under /tmp/mesh-chaos/. Optional: a filter, e.g. tests/chaos/run.sh "FullyQualifiedName~QuietFault".
set -uo pipefail
cd "$(dirname "$0")/../.."
./scripts/install-deps.sh || exit 1
dotnet build tests/chaos/Mesh.Chaos.Tests/Mesh.Chaos.Tests.csproj -c Release -nologo -v:q || exit 1
results=$(mktemp -d)
export MESH_MEASUREMENTS_FILE="$results/measurements.txt"
filter=()
[[ $# -gt 0 ]] && filter=(--filter "$1")
dotnet test tests/chaos/Mesh.Chaos.Tests/Mesh.Chaos.Tests.csproj -c Release --no-build -nologo "${filter[@]}" \
  --logger "trx;LogFileName=$results/chaos.trx" --logger "console;verbosity=normal" --blame-hang-timeout 15m
rc=$?
echo "== scenarios"
cat "$MESH_MEASUREMENTS_FILE" 2>/dev/null
counters=$(grep -o '<Counters [^>]*>' "$results/chaos.trx" 2>/dev/null | head -1)
get() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
echo "$(get passed) passed, $(get failed) failed"
rm -rf "$results"
exit $rc
