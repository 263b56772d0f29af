#!/usr/bin/env bash
# ./demo.sh: builds health-mesh and runs its embedded demo: a three-region mesh of real node
# processes on this machine. Ctrl-C stops the nodes cleanly. Extra arguments go to `health-mesh demo`
# (e.g. --duration 30 to stop by itself).
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
dotnet build src/Mesh.Node/Mesh.Node.csproj -c Release -nologo -v:q
exec src/Mesh.Node/bin/Release/net10.0/health-mesh demo "$@"
