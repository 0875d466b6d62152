#!/usr/bin/env bash
# The command line action.yml runs (tested by tests/action.rs): one check on a template, plan
# or policy document, SARIF written to $SARIF_FILE, the result (PASS, FAIL, UNKNOWN, ERROR) in
# $GITHUB_OUTPUT when set. Inputs come from the environment, never interpolated into the
# script: CHECK, TEMPLATE_PATH or POLICY_DOCUMENT, ARGS (split on whitespace), SARIF_FILE.
set -uo pipefail
: "${CHECK:?CHECK names the check}" "${SARIF_FILE:=iamcheck.sarif}"
case "$CHECK" in
  check-no-new-access|check-access-not-granted|check-no-public-access|check-no-external-access) ;;
  *) echo "iamcheck action: unknown check \`$CHECK\`" >&2; exit 2 ;;
esac
read -r -a extra <<< "${ARGS:-}"
if [ -n "${TEMPLATE_PATH:-}" ]; then
  input=(--template-path "$TEMPLATE_PATH")
elif [ -n "${POLICY_DOCUMENT:-}" ] && [ "$CHECK" = check-no-new-access ]; then
  input=(--new-policy-document "$POLICY_DOCUMENT")
elif [ -n "${POLICY_DOCUMENT:-}" ]; then
  input=(--policy-document "$POLICY_DOCUMENT")
else
  echo "iamcheck action: give template-path or policy-document" >&2
  exit 2
fi
# The SARIF for code scanning, then the same check as text for the log.
iamcheck "$CHECK" "${input[@]}" "${extra[@]}" --output sarif > "$SARIF_FILE"
code=$?
iamcheck "$CHECK" "${input[@]}" "${extra[@]}" --output text || true
case "$code" in
  0) result=PASS ;;
  1) result=FAIL ;;
  3) result=UNKNOWN ;;
  *) result=ERROR; [ -s "$SARIF_FILE" ] || rm -f "$SARIF_FILE" ;;
esac
echo "iamcheck: $CHECK: $result"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "result=$result" >> "$GITHUB_OUTPUT"
fi
exit 0
