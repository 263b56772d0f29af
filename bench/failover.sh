#!/usr/bin/env bash
# Failover time on real parts: a PostgreSQL primary + streaming standby, a Redis primary + replica, the
# DigitalOcean stand-in and three health-mesh node processes (nyc1, ams3, sfo3 witness); the nyc1 PostgreSQL
# primary is SIGKILLed and the mesh's coordinator fails over to ams3. Prints each run's phases, their medians
# and ranges. BENCH_REPEAT runs (default 5), each from scratch; BENCH_TRACE=1 also prints what each run saw change. Needs PostgreSQL 15 and redis-server (as ./test.sh installs).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Mesh.Bench/Mesh.Bench.csproj -c Release -nologo -v:q
exec bench/Mesh.Bench/bin/Release/net10.0/Mesh.Bench failover
