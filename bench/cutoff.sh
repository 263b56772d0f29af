#!/usr/bin/env bash
# Time from the whole active region (its mesh nodes and resources) being cut off to DNS switched, in an in-process
# three-region mesh partitioned with Akka.Remote's throttle adapter, with the production defaults for probes and the
# lease. Prints each run's line (seconds after the cut: when nyc1's guard fenced, when the coordinator decided, when
# the promotion began, when DNS switched) and the medians. BENCH_REPEAT runs (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
repeat="${BENCH_REPEAT:-5}"
dotnet build tests/Mesh.Cluster.Tests -c Release -nologo -v:q >/dev/null
lines=()
for i in $(seq 1 "$repeat"); do
  line=$(MESH_BENCH=1 dotnet test tests/Mesh.Cluster.Tests -c Release --no-build --filter "FullyQualifiedName~CutOffBench" \
           --logger "console;verbosity=detailed" 2>&1 | grep -o 'cutoff coordinator=.*' | head -1)
  echo "run $i: $line"
  lines+=("$line")
done
# Medians over the runs whose coordinator was outside the cut-off region (the goal's case), then over all runs.
for which in outside all; do
  for key in fenced decided promoted dns; do
    values=$(printf '%s\n' "${lines[@]}" | { if [ "$which" = outside ]; then grep -v 'coordinator=nyc1'; else cat; fi; } \
               | grep -o "$key=[0-9.]*" | cut -d= -f2 | sort -n)
    n=$(printf '%s\n' "$values" | grep -c . || true)
    [ "$n" -gt 0 ] || continue
    median=$(printf '%s\n' "$values" | awk -v n="$n" '{ a[NR] = $1 } END { print (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }')
    echo "median $key ($which, n=$n) = $median s"
  done
done
