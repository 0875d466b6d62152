#!/usr/bin/env bash
# Cross-checks iamcheck against the SMT solvers z3 and cvc5 (and the corpora's labels).
# On first use it creates scripts/.venv and installs the pinned solvers from PyPI; then it
# builds the release binary and runs crosscheck.py with the arguments given (see --help).
# Exit: 0 when every solver answer agrees with iamcheck, 1 on any disagreement or a script a
# solver rejects, 2 on a set-up error.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=scripts/.venv
pins=(z3-solver==4.16.0.0 cvc5==1.4.2)
stamp="$venv/.crosscheck-$(echo "${pins[*]}" | tr ' ' '+')"
if [ ! -f "$stamp" ]; then
  echo "crosscheck: installing ${pins[*]} into $venv" >&2
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv" || exit 2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" || exit 2
  touch "$stamp"
fi
cargo build --release --quiet || exit 2
exec "$venv/bin/python" scripts/crosscheck/crosscheck.py "$@"
