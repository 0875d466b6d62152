#!/usr/bin/env bash
# One command from a fresh clone: installs the managed-policy history and the solvers, builds
# the release binary, and measures
#   (a) every consecutive managed-policy version pair, both directions, through `iamcheck batch`
#   (b) the ReadOnlyAccess series (every consecutive pair, both directions)
#   (c) z3 and cvc5 on the SMT-LIB exports of a sample of the same queries (ReadOnlyAccess
#       v187->v188 included), with a timeout
#   (d) peak memory (/usr/bin/time -v when present)
#   (e) synthetic scaling: statements, patterns, wildcard-heavy adversarial patterns
#   (f) the serde_json floor: serde_json parsing the same documents (examples/parse_floor)
# and prints a table and the UNKNOWN count by cause (docs/performance.md records the latest).
# The whole set by default (9,200 checks: minutes of every core); --pairs-limit N measures a
# spread sample instead. --keep DIR keeps the batch results (JSON Lines) there.
#   compare.sh [--pairs-limit N] [--solver-sample N] [--timeout S] [--skip-solvers] [--keep DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
limit="" sample=6 timeout=60 solvers=1 keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pairs-limit) limit="--limit $2"; shift 2 ;;
    --solver-sample) sample="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --skip-solvers) solvers=0; shift ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
data=$(scripts/bench/install.sh)
venv=scripts/.venv
pins=(z3-solver==4.16.0.0 cvc5==1.4.2)
stamp="$venv/.crosscheck-$(echo "${pins[*]}" | tr ' ' '+')"
if [ "$solvers" = 1 ] && [ ! -f "$stamp" ]; then
  echo "compare: installing ${pins[*]} into $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
  touch "$stamp"
fi
cargo build --release --quiet --bin iamcheck --example parse_floor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/bench/pairs.py "$data" --both $limit > "$work/all.jsonl"
python3 scripts/bench/pairs.py "$data" --both --policy ReadOnlyAccess > "$work/roa.jsonl"
args=(--data "$data" --work "$work" --sample "$sample" --timeout "$timeout")
[ "$solvers" = 1 ] && args+=(--solvers "$venv/bin/python")
[ -n "$keep" ] && mkdir -p "$keep" && args+=(--keep "$keep")
exec python3 scripts/bench/compare.py "${args[@]}"
