#!/usr/bin/env bash
# The project's test command: the Rust tests, then the independent oracles on bounded subsets.
# The oracles install their own tools on first use (npm @cloud-copilot/iam-simulate,
# PyPI z3-solver and cvc5), so the first run needs the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release
# iam-simulate: a bounded differential run and the replay of every witness.
./scripts/oracle/ci.sh
# z3 and cvc5 on the SMT-LIB exports: the examples, 30 AWS samples and 30 Quacky pairs;
# fails on any disagreement between iamcheck and a solver that answered.
./scripts/crosscheck/run.sh --corpus examples --corpus aa-samples --corpus quacky --limit 30 --timeout 20
