#!/usr/bin/env bash
# Probe overhead benchmark: N http targets at Interval 1 s on one node against a fast local server,
# next to a bare HttpClient loop at the same rate (the floor). Usage: bench/probes.sh [N ...] (default 1000 5000).
# BENCH_WARM and BENCH_MEASURE (seconds) shorten or lengthen the runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || true
dotnet build bench/Mesh.Bench/Mesh.Bench.csproj -c Release -nologo -v:q
exec bench/Mesh.Bench/bin/Release/net10.0/Mesh.Bench all "$@"
