#!/usr/bin/env bash
# Bounded oracle run for CI: installs iam-simulate (pinned, from npm), builds iamcheck, runs the
# differential (300 random policies x 4 requests, fixed seed) and the witness replay (aa-samples
# and the examples). Exits non-zero on an UNEXPLAINED disagreement (see allow-list.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v python3 >/dev/null || { echo "oracle ci: python3 is required" >&2; exit 2; }
./scripts/oracle/install.sh
cargo build --release --quiet
status=0
python3 scripts/oracle/differential.py --seed "${IAMCHECK_ORACLE_SEED:-1}" --cases "${IAMCHECK_ORACLE_CASES:-300}" --show 5 || status=1
python3 scripts/oracle/replay_witnesses.py --no-quacky --show 5 || status=1
exit "$status"
