#!/usr/bin/env bash
# Installs what the build and tests need on a fresh machine of this kind (Debian, root).
# Idempotent: installs only what is missing.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET SDK (10) is required and not on PATH" >&2
  exit 1
fi
major=$(dotnet --version | cut -d. -f1)
if [[ "$major" -lt 10 ]]; then
  echo "install-deps: .NET SDK 10 or newer is required, found $(dotnet --version)" >&2
  exit 1
fi

# Debian packages the tests and demo use: real PostgreSQL and Redis servers, promtool to check /metrics.
need=()
for pkg in curl procps iproute2 util-linux postgresql-15 redis-server prometheus; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [[ ${#need[@]} -gt 0 ]]; then
  echo "install-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
