#!/usr/bin/env bash
# ./demo.sh: installs what is missing, builds health-mesh and runs its embedded demo: a real
# three-region mesh on this machine (PostgreSQL, Redis, the DigitalOcean stand-in, three node
# processes) loses its whole active region and fails over, narrated as it happens; everything is
# cleaned up afterwards. Extra arguments go to `health-mesh demo` (e.g. --duration 60 to keep the
# failed-over mesh up for a look). Ctrl-C stops it early and still cleans up.
set -euo pipefail
cd "$(dirname "$0")"
./scripts/install-deps.sh
dotnet build src/Mesh.Node/Mesh.Node.csproj -c Release -nologo -v:q
exec src/Mesh.Node/bin/Release/net10.0/health-mesh demo "$@"
