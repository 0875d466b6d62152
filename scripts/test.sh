#!/usr/bin/env bash
# The project's test command: the Rust tests, then the independent oracles on bounded subsets.
# The oracles install their own tools on first use (npm @cloud-copilot/iam-simulate,
# PyPI z3-solver and cvc5), so the first run needs the package registries.
#
# One line per step; each step's whole output (the tests' expected errors, the oracles'
# explained disagreements) goes to target/test-logs/STEP.log, and a failing step prints the
# end of its log. Exit status: that of the first failing step, else 0.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=target/test-logs
mkdir -p "$logs"

# step NAME SUMMARY-COMMAND -- COMMAND...: runs COMMAND into $logs/NAME.log and prints one line.
step() {
  local name=$1 summary=$2
  shift 3
  local log="$logs/$name.log"
  printf '%-12s ' "$name" >&2
  local start=$SECONDS
  if "$@" >"$log" 2>&1; then
    printf 'ok    %s (%ss)\n' "$($summary "$log")" "$((SECONDS - start))" >&2
  else
    local code=$?
    printf 'FAIL  exit %s after %ss; the end of %s:\n' "$code" "$((SECONDS - start))" "$log" >&2
    tail -n 40 "$log" >&2
    exit "$code"
  fi
}

cargo_summary() {
  awk '/^test result:/ { for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^passed/) n += $i }
       END { printf "%d tests passed", n }' "$1"
}
oracle_summary() {
  local agree confirmed
  agree=$(grep -m1 -o 'agree [0-9]* ([0-9.]*%)' "$1" || true)
  confirmed=$(grep -m1 -o 'confirmed by iam-simulate [0-9]* ([0-9.]*%)' "$1" || true)
  echo "iam-simulate: ${agree:-see the log}; witnesses ${confirmed:-see the log}; every disagreement explained"
}
crosscheck_summary() {
  local checks
  checks=$(grep -m1 -o '[0-9]* checks from [a-z, -]*' "$1" || true)
  echo "z3 and cvc5: ${checks:-the corpora}, no disagreement"
}

step cargo-test cargo_summary -- cargo test --release
# iam-simulate: a bounded differential run and the replay of every witness.
step oracle oracle_summary -- ./scripts/oracle/ci.sh
# z3 and cvc5 on the SMT-LIB exports: the examples, 30 AWS samples and 30 Quacky pairs;
# fails on any disagreement between iamcheck and a solver that answered.
step crosscheck crosscheck_summary -- ./scripts/crosscheck/run.sh --corpus examples \
  --corpus aa-samples --corpus quacky --limit 30 --timeout 20
echo "all passed; logs in $logs/" >&2
# The plain closing line CI reads: the Rust tests' count.
echo "cargo-test: $(cargo_summary "$logs/cargo-test.log" | cut -d' ' -f1) passed, 0 failed"
