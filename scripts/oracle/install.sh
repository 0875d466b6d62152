#!/usr/bin/env bash
# Installs the oracle's pinned dependencies (@cloud-copilot/iam-simulate, AGPL-3.0) from npm
# into scripts/oracle/node_modules. Idempotent: does nothing when the installed tree already
# matches package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
command -v node >/dev/null || { echo "install.sh: node (>= 18) is required" >&2; exit 2; }
command -v npm >/dev/null || { echo "install.sh: npm is required" >&2; exit 2; }
stamp=node_modules/.iamcheck-oracle-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
