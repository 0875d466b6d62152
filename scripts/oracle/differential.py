#!/usr/bin/env python3
"""Differential run: random policies and random concrete requests, evaluated by
`iamcheck simulate --output json` and by the iam-simulate oracle (oracle.mjs).

Python 3 standard library only. Usage:

    scripts/oracle/differential.py [--seed S] [--cases N] [--requests-per-policy K]
        [--iamcheck target/release/iamcheck] [--allow-list scripts/oracle/allow-list.json]
        [--json report.json] [--show N]

Every case is one policy and K requests. Requests on which iamcheck's simulate answers
Unknown (exit 3) are excluded, as are requests the oracle cannot evaluate (decision "Error",
e.g. a context key iam-simulate's catalogue ignores for the action); both are counted.
Every disagreement is printed with the policy, the request and both decisions, and matched
against the allow-list of explained disagreement patterns (allow-list.json). Exit status: 0
when every disagreement is explained, 1 when some is not, 2 on a usage or setup error.

The universe is small on purpose (a few real actions, buckets, queues, principals, keys and
values) so that random policies and requests overlap often: iam-simulate validates actions
and resource ARNs against the AWS catalogue, so actions and resources must be real ones.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from oracle_common import AllowList, Oracle, localize, run_iamcheck_simulate  # noqa: E402

ACCT = "111111111111"
OTHER = "222222222222"

# ---- request universe ------------------------------------------------------------------
# (action, resource kind) — resource kinds must be what iam-simulate's catalogue expects.
ACTIONS = [
    ("s3:GetObject", "object"),
    ("s3:PutObject", "object"),
    ("s3:DeleteObject", "object"),
    ("s3:ListBucket", "bucket"),
    ("sqs:SendMessage", "queue"),
    ("sqs:DeleteQueue", "queue"),
]
RESOURCES = {
    "object": ["arn:aws:s3:::b/a", "arn:aws:s3:::b/ab", "arn:aws:s3:::bb/a", "arn:aws:s3:::b/a:b",
               "arn:aws:s3:::c/x/a", "arn:aws:s3:::b/A", "arn:aws:s3:::b/$", "arn:aws:s3:::b/?",
              "arn:aws:s3:::a/a"],
    "bucket": ["arn:aws:s3:::b", "arn:aws:s3:::bb", "arn:aws:s3:::c"],
    "queue": [f"arn:aws:sqs:us-east-1:{ACCT}:q", f"arn:aws:sqs:us-east-1:{ACCT}:qa",
              f"arn:aws:sqs:eu-west-1:{OTHER}:q", f"arn:aws:sqs:us-east-1:{ACCT}:Q"],
}
REQUEST_PRINCIPALS = [
    "anonymous",
    f"arn:aws:iam::{ACCT}:root",
    f"arn:aws:iam::{ACCT}:user/a",
    f"arn:aws:iam::{ACCT}:user/b",
    f"arn:aws:iam::{OTHER}:user/a",
    f"arn:aws:sts::{ACCT}:assumed-role/r/s",
    f"arn:aws:sts::{OTHER}:assumed-role/r/s",
    f"arn:aws:sts::{ACCT}:federated-user/a",
    "service:ecs.amazonaws.com",
    "service:s3.amazonaws.com",
    "federated:accounts.google.com",
    "canonical-user:abc",
]

# ---- policy vocabulary -----------------------------------------------------------------
ACTION_PATTERNS = ["*", "s3:*", "s3:Get*", "s3:*Object", "s3:?etObject", "S3:getobject", "s3:List*",
                   "sqs:*", "sqs:Send*", "s3:PutObject", "sqs:deletequeue", "s3:*t*"]
RESOURCE_PATTERNS = ["*", "arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:s3:::b*", "arn:aws:s3:::b?/a",
                     "arn:aws:s3:::*/a", "arn:aws:s3:::b/a*", "arn:aws:s3:::*", "arn:aws:s3:::b/a:*",
                     f"arn:aws:sqs:*:{ACCT}:q*", "arn:aws:sqs:us-east-1:*:*", "arn:aws:sqs:*:*:Q",
                     "arn:aws:*:*:*:*", "arn:aws:s3:*", "arn:aws:sqs:*", "arn:aws:s*"]
PRINCIPAL_ENTRIES = [
    "*",
    {"AWS": "*"},
    {"AWS": ACCT},
    {"AWS": f"arn:aws:iam::{ACCT}:root"},
    {"AWS": OTHER},
    {"AWS": f"arn:aws:iam::{ACCT}:user/a"},
    {"AWS": f"arn:aws:iam::{ACCT}:role/r"},
    {"AWS": f"arn:aws:iam::{ACCT}:role/path/r"},
    {"AWS": f"arn:aws:sts::{ACCT}:assumed-role/r/s"},
    {"AWS": f"arn:aws:sts::{ACCT}:federated-user/a"},
    {"Service": "ecs.amazonaws.com"},
    {"Service": ["s3.amazonaws.com", "ecs.amazonaws.com"]},
    {"Federated": "accounts.google.com"},
    {"CanonicalUser": "abc"},
    {"AWS": [f"arn:aws:iam::{ACCT}:user/b", OTHER]},
]

# key -> (family, multivalued in iam-simulate's catalogue)
KEYS = {
    "aws:PrincipalTag/team": ("string", False),
    "aws:SourceVpc": ("string", False),
    "aws:TagKeys": ("string", True),
    "aws:PrincipalOrgPaths": ("string", True),
    "aws:SourceArn": ("arn", False),
    "aws:SourceAccount": ("string", False),
    "aws:SecureTransport": ("bool", False),
    "aws:ViaAWSService": ("bool", False),
    "aws:username": ("string", False),
}
STRING_VALUES = ["a", "b", "ab", "A", "a*", "*", "?b", "a?", "", "*b*", "B"]
STRING_REQUEST_VALUES = ["a", "b", "ab", "A", "ba", "abb", "", "a*", "B"]
ARN_VALUES = [f"arn:aws:iam::{ACCT}:user/a", f"arn:aws:iam::*:user/*", f"arn:aws:iam::{ACCT}:*",
              "arn:aws:*", "arn:aws:s3:::b/*", "arn:aws:s3:::b", f"arn:aws:sqs:*:{ACCT}:q",
              "arn:aws:*:*:*:*", "arn:*:s3:::*", "arn:aws:s3:*", "*", "arn:aws:s3:::b/a:*"]
ARN_REQUEST_VALUES = [f"arn:aws:iam::{ACCT}:user/a", f"arn:aws:iam::{OTHER}:user/b", "arn:aws:s3:::b",
                      "arn:aws:s3:::b/a:c", f"arn:aws:sqs:us-east-1:{ACCT}:q", "arn:aws:s3:::bb",
                      "not-an-arn", f"arn:aws:iam::{ACCT}:role/x"]
BOOL_VALUES = ["true", "false", "True", "FALSE", True, False, "yes"]
BOOL_REQUEST_VALUES = ["true", "false", "TRUE", "False"]
STRING_OPS = ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
              "StringLike", "StringNotLike"]
ARN_OPS = ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"]

# ---- policy variables (Version 2012-10-17: Resource entries and String/Arn condition values) ----
# Keys, defaults (also empty and with `*`), other letter cases, the constants, and a multivalued key
# (iamcheck answers Unknown for it when the request gives a set: excluded).
VARIABLES = ["${aws:username}", "${aws:username}", "${aws:PrincipalTag/team}", "${aws:SourceVpc}",
             "${AWS:UserName}", "${aws:username, 'a'}", "${aws:PrincipalTag/team, 'b'}",
             "${aws:SourceAccount, 'a*'}", "${aws:SourceVpc, ''}", "${*}", "${?}", "${$}",
             "${aws:TagKeys}"]
VARIABLE_RESOURCE_PREFIXES = ["arn:aws:s3:::b/", "arn:aws:s3:::b/", "arn:aws:s3:::", f"arn:aws:sqs:us-east-1:{ACCT}:"]
VARIABLE_ARN_PREFIXES = [f"arn:aws:iam::{ACCT}:user/", "arn:aws:s3:::b/", "arn:aws:s3:::"]
# Request values of the keys variables name: matching and not, with `*`, `?`, `$`, empty.
VARIABLE_REQUEST_VALUES = ["a", "a", "b", "ab", "a*", "*", "?", "$", "", "A"]


def gen_template(rng, prefix):
    """`prefix` then one or two variables among a little literal text."""
    out = prefix + rng.choice(["", "", "a", "*"]) + rng.choice(VARIABLES)
    if rng.random() < 0.2:
        out += rng.choice(VARIABLES)
    return out + rng.choice(["", "", "", "b", "*", "/a"])


def with_variables(rng, values, prefixes, p=0.3):
    """Replaces some of `values` (a string or a list) by templates."""
    if rng.random() >= p:
        return values
    one = not isinstance(values, list)
    values = [values] if one else list(values)
    values[rng.randrange(len(values))] = gen_template(rng, rng.choice(prefixes))
    return values[0] if one else values


def pick_some(rng, items, lo=1, hi=2):
    n = rng.randint(lo, hi)
    chosen = [rng.choice(items) for _ in range(n)]
    out = []
    for c in chosen:
        if c not in out:
            out.append(c)
    return out[0] if len(out) == 1 and rng.random() < 0.5 else out


def gen_condition(rng):
    cond = {}
    for _ in range(rng.randint(1, 2)):
        key = rng.choice(list(KEYS))
        family, multi = KEYS[key]
        if rng.random() < 0.12:
            op = "Null"
            values = rng.choice(["true", "false", True])
            qualifier = ""
        else:
            if family == "string":
                op = rng.choice(STRING_OPS)
                values = with_variables(rng, pick_some(rng, STRING_VALUES), [""])
            elif family == "arn":
                op = rng.choice(ARN_OPS + ["StringLike", "StringEquals"])
                values = with_variables(rng, pick_some(rng, ARN_VALUES), VARIABLE_ARN_PREFIXES)
            else:
                op = "Bool"
                values = rng.choice(BOOL_VALUES)
            if rng.random() < 0.25:
                op += "IfExists"
            if multi:
                qualifier = rng.choice(["ForAllValues:", "ForAnyValue:", "ForAnyValue:", "ForAllValues:", ""])
            else:
                qualifier = rng.choice(["", "", "", "", "ForAllValues:", "ForAnyValue:"])
        if op == "Null" and multi and rng.random() < 0.3:
            qualifier = rng.choice(["ForAllValues:", "ForAnyValue:"])
        full = qualifier + op
        block = cond.setdefault(full, {})
        if key in block:
            continue
        block[key] = values
    return cond


def gen_statement(rng, policy_type):
    st = {"Effect": "Allow" if rng.random() < 0.6 else "Deny"}
    if policy_type == "RESOURCE_POLICY":
        if st["Effect"] == "Deny" and rng.random() < 0.2:
            entries = [e for e in PRINCIPAL_ENTRIES if e != "*" and e != {"AWS": "*"}]
            st["NotPrincipal"] = rng.choice(entries)
        else:
            st["Principal"] = rng.choice(PRINCIPAL_ENTRIES)
    if rng.random() < 0.2:
        st["NotAction"] = pick_some(rng, ACTION_PATTERNS[1:])
    else:
        st["Action"] = pick_some(rng, ACTION_PATTERNS)
    r = rng.random()
    if r < 0.2:
        st["NotResource"] = with_variables(rng, pick_some(rng, RESOURCE_PATTERNS[1:]), VARIABLE_RESOURCE_PREFIXES)
    elif r < 0.95 or policy_type == "IDENTITY_POLICY":
        st["Resource"] = with_variables(rng, pick_some(rng, RESOURCE_PATTERNS), VARIABLE_RESOURCE_PREFIXES)
    if rng.random() < 0.5:
        st["Condition"] = gen_condition(rng)
    return st


def gen_policy(rng, policy_type):
    statements = [gen_statement(rng, policy_type) for _ in range(rng.randint(1, 3))]
    # Now and then the legacy language, where `${…}` is literal text [VER].
    version = "2008-10-17" if rng.random() < 0.05 else "2012-10-17"
    return {"Version": version, "Statement": statements}


KEYS_FOLDED = {k.lower(): k for k in KEYS}


def policy_keys(policy):
    """The condition keys of the policy and the keys its variables name."""
    keys = set()
    for st in policy["Statement"]:
        for block in st.get("Condition", {}).values():
            keys.update(block)
    for name in re.findall(r"\$\{([^},]+)", json.dumps(policy)):
        if name.lower() in KEYS_FOLDED:
            keys.add(KEYS_FOLDED[name.lower()])
    return sorted(keys)


def variable_keys(policy):
    """The keys the policy's variables name (folded)."""
    return {name.lower() for name in re.findall(r"\$\{([^},]+)", json.dumps(policy))}


def gen_request(rng, policy, policy_type):
    action, kind = rng.choice(ACTIONS)
    if rng.random() < 0.2:
        action = action.lower() if rng.random() < 0.5 else action.upper()
    req = {"action": action, "resource": rng.choice(RESOURCES[kind])}
    if policy_type == "RESOURCE_POLICY":
        req["principal"] = rng.choice(REQUEST_PRINCIPALS)
    ctx = {}
    named = variable_keys(policy)
    for key in policy_keys(policy):
        if rng.random() < 0.3:
            continue  # absent
        family, multi = KEYS[key]
        pool = {"string": STRING_REQUEST_VALUES, "arn": ARN_REQUEST_VALUES, "bool": BOOL_REQUEST_VALUES}[family]
        if key.lower() in named and family == "string" and rng.random() < 0.6:
            pool = VARIABLE_REQUEST_VALUES
        if multi:
            n = rng.choice([0, 1, 1, 2, 2, 3])
            vals = []
            for _ in range(n):
                v = rng.choice(pool)
                if v not in vals:
                    vals.append(v)
            ctx[key] = vals
        else:
            ctx[key] = rng.choice(pool)
    if ctx:
        req["context"] = ctx
    return req


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cases", type=int, default=300, help="number of random policies")
    ap.add_argument("--requests-per-policy", type=int, default=4)
    ap.add_argument("--iamcheck", default=os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "iamcheck"))
    ap.add_argument("--allow-list", default=os.path.join(HERE, "allow-list.json"))
    ap.add_argument("--json", help="write the full report (every compared case) to this file")
    ap.add_argument("--show", type=int, default=20, help="print at most N disagreements of each pattern")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    args = ap.parse_args()

    if not os.access(args.iamcheck, os.X_OK):
        print(f"differential: {args.iamcheck} not found; run `cargo build --release`", file=sys.stderr)
        return 2
    allow = AllowList.load(args.allow_list)
    rng = random.Random(args.seed)
    items = []
    for case in range(args.cases):
        policy_type = "RESOURCE_POLICY" if rng.random() < 0.5 else "IDENTITY_POLICY"
        policy = gen_policy(rng, policy_type)
        for _ in range(args.requests_per_policy):
            items.append({"case": case, "policy_type": policy_type, "policy": policy,
                          "request": gen_request(rng, policy, policy_type)})

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        ours = list(pool.map(lambda it: run_iamcheck_simulate(args.iamcheck, it["policy"], it["policy_type"],
                                                              it["request"]), items))
    with Oracle() as oracle:
        theirs = oracle.evaluate_all(
            [{"policy": it["policy"], "policy_type": it["policy_type"], "request": it["request"]} for it in items])

    counts = {"requests": len(items), "compared": 0, "agree": 0, "iamcheck_unknown": 0,
              "iamcheck_invalid": 0, "oracle_error": 0, "explained": 0, "unexplained": 0}
    oracle_errors = {}
    by_pattern = {}
    report = []
    localizer = Oracle().__enter__()
    for it, a, b in zip(items, ours, theirs):
        if a["decision"] == "Invalid":
            counts["iamcheck_invalid"] += 1
            continue
        if a["decision"] == "Unknown":
            counts["iamcheck_unknown"] += 1
            continue
        if b["decision"] == "Error":
            counts["oracle_error"] += 1
            reason = b["detail"].get("reason", "?")
            oracle_errors[reason] = oracle_errors.get(reason, 0) + 1
            continue
        counts["compared"] += 1
        entry = {"case": it["case"], "policy_type": it["policy_type"], "policy": it["policy"],
                 "request": it["request"], "iamcheck": a["decision"], "iam_simulate": b["decision"],
                 "iamcheck_statements": a.get("statements"), "iam_simulate_detail": b["detail"]}
        report.append(entry)
        if a["decision"] == b["decision"]:
            counts["agree"] += 1
            continue
        entry["minimal"] = localize(args.iamcheck, localizer, it["policy"], it["policy_type"], it["request"])
        pattern = allow.explain(entry)
        key = pattern["id"] if pattern else "UNEXPLAINED"
        by_pattern.setdefault(key, []).append(entry)
        entry["pattern"] = key
        counts["explained" if pattern else "unexplained"] += 1

    localizer.__exit__(None, None, None)
    c = counts
    pct = 100.0 * c["agree"] / c["compared"] if c["compared"] else 0.0
    print(f"differential: seed {args.seed}, {args.cases} policies, {c['requests']} requests")
    print(f"  compared {c['compared']}: agree {c['agree']} ({pct:.2f}%), "
          f"disagree {c['compared'] - c['agree']} (explained {c['explained']}, unexplained {c['unexplained']})")
    print(f"  excluded: iamcheck Unknown {c['iamcheck_unknown']}, iamcheck invalid policy {c['iamcheck_invalid']}, "
          f"oracle Error {c['oracle_error']} {json.dumps(oracle_errors, sort_keys=True)}")
    for key in sorted(by_pattern, key=lambda k: (k != "UNEXPLAINED", k)):
        entries = by_pattern[key]
        why = allow.reason(key) if key != "UNEXPLAINED" else "no allow-list pattern matches"
        print(f"\n== {key}: {len(entries)} disagreement(s) — {why}")
        for e in entries[: args.show]:
            print(json.dumps({"policy_type": e["policy_type"], "policy": e["policy"], "request": e["request"],
                              "iamcheck": e["iamcheck"], "iam_simulate": e["iam_simulate"],
                              "iam_simulate_analysis": e["iam_simulate_detail"].get("analysis")},
                             separators=(",", ":")))
            if e.get("minimal"):
                m = e["minimal"]
                print("   localized:", json.dumps({"statement": m["statement"], "request": m["request"],
                                                  "iamcheck": m["iamcheck"], "iam_simulate": m["iam_simulate"]},
                                                 separators=(",", ":")))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"seed": args.seed, "cases": args.cases, "counts": counts, "oracle_errors": oracle_errors,
                       "entries": report}, f, indent=1)
    return 1 if c["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
