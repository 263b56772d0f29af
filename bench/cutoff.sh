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
printf '%s\n' "${lines[@]}" | awk '
  { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[2] != "-" && kv[1] != "coordinator") { v[kv[1]] = v[kv[1]] " " kv[2] } } }
  END { for (k in v) { n = split(substr(v[k], 2), a, " "); asort(a); m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2; printf "median %s = %.2f s (n=%d)\n", k, m, n } }'
