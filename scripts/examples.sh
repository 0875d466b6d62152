#!/usr/bin/env bash
# Runs the launch article's eleven cases (and two reformulations) (examples/README.md) with the release binary
# and prints each verdict next to the expected one. Exit 0 iff all eleven match.
set -u
cd "$(dirname "$0")/.."
cargo build --release --quiet || exit 2
bin=target/release/iamcheck
ex=examples
fails=0
run() { # expected description command...
  local expected=$1 what=$2; shift 2
  local out got
  out=$("$bin" "$@" --output json 2>/dev/null)
  got=$(printf '%s' "$out" | sed -n 's/^{"result":"\([A-Z]*\)".*/\1/p')
  if [ "$got" = "$expected" ]; then mark=ok; else mark=MISMATCH; fails=$((fails+1)); fi
  printf '%-9s %-5s (expected %-4s) %s\n' "$mark" "$got" "$expected" "$what"
  printf '          %s\n' "$out"
}
nna() { run "$1" "$2" check-no-new-access --existing-policy-document "$ex/$3" --new-policy-document "$ex/$4" --policy-type "$5"; }
ang() { run "$1" "$2" check-access-not-granted --policy-document "$ex/$3" --access "$4" --policy-type "$5"; }
ext() { run "$1" "$2" check-no-external-access --policy-document "$ex/$3" --trusted-account 123456789012; }
pub() { run "$1" "$2" check-no-public-access --policy-document "$ex/$3" --resource-type AWS::S3::Bucket; }
ext FAIL "1    anyone outside 123456789012? public-put"            public-put.json
nna FAIL "1'   the same as check-no-new-access against a reference" reference-account-only.json public-put.json RESOURCE_POLICY
ext PASS "2    anyone outside 123456789012? public-put-deny-outside" public-put-deny-outside.json
nna PASS "2'   the same as check-no-new-access against a reference" reference-account-only.json public-put-deny-outside.json RESOURCE_POLICY
pub FAIL "3    public access, S3 bucket: public-put"                public-put.json
pub PASS "4    public access, S3 bucket: public-put-deny-outside"   public-put-deny-outside.json
nna FAIL "5    no new access: public-put -> account-put-delete"   public-put.json account-put-delete.json RESOURCE_POLICY
nna FAIL "6    no new access: account-put-delete -> public-put"   account-put-delete.json public-put.json RESOURCE_POLICY
ang FAIL "7    s3:DeleteBucket in account-put-delete"             account-put-delete.json actions=s3:DeleteBucket RESOURCE_POLICY
ang FAIL "8    s3:DeleteBucket in identity-ec2-s3"                identity-ec2-s3.json actions=s3:DeleteBucket IDENTITY_POLICY
ang PASS "9    ec2:TerminateInstances in identity-ec2-s3"         identity-ec2-s3.json actions=ec2:TerminateInstances IDENTITY_POLICY
ang FAIL "10   ec2:DescribeInstanceStatus in identity-ec2-s3"     identity-ec2-s3.json actions=ec2:DescribeInstanceStatus IDENTITY_POLICY
nna PASS "11   identity-ec2-s3 against itself"                    identity-ec2-s3.json identity-ec2-s3.json IDENTITY_POLICY
echo "$fails mismatches"
[ "$fails" -eq 0 ]
