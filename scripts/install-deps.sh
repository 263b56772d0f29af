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

# Debian packages the tests and demo use: real PostgreSQL and Redis servers, promtool to check /metrics,
# iproute2, iptables and python3 (its http.server is the app server) for the chaos lab's namespaces,
# chromium (headless) for the dashboard's browser test, ansible, ansible-lint and systemd-analyze to check deploy/.
need=()
for pkg in curl procps iproute2 iptables util-linux python3 postgresql-15 redis-server prometheus chromium ansible ansible-lint systemd; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [[ ${#need[@]} -gt 0 ]]; then
  echo "install-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Node and Stoplight Prism: the DigitalOcean client's contract tests run it as a validating proxy
# (tests/contracts/digitalocean/openapi.yaml). Installed under .tools/, outside the system.
if ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
prism_version=5.16.0
if [[ ! -x "$root/.tools/prism/node_modules/.bin/prism" ]] || ! grep -q "\"version\": \"$prism_version\"" "$root/.tools/prism/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null; then
  echo "install-deps: installing @stoplight/prism-cli@$prism_version"
  npm install --prefix "$root/.tools/prism" --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$prism_version" >/dev/null
fi
