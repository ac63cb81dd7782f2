#!/usr/bin/env bash
# Installs the workspace's npm dependencies when they are missing or older than package-lock.json.
# Expects Node 24 first on PATH (run through scripts/node24.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  echo "deps: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
