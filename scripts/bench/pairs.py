#!/usr/bin/env python3
"""Consecutive version pairs of AWS managed policies as `iamcheck batch` requests (JSON Lines).

Reads managedPolicies.json (scripts/bench/install.sh prints its path). For each policy, its
versions are sorted numerically (v1, v2, …, v10; missing numbers are skipped, so v3→v5 is a
pair when v4 was never published) and every consecutive pair becomes a check-no-new-access
request, existing = older, new = newer; with --both, also the reverse direction.

    pairs.py DATA [--policy NAME]... [--both] [--limit N] [--stats] > pairs.jsonl

`id` is "NAME vA->vB". --limit keeps N pairs evenly spread over the whole list (after
--both). --stats adds `"stats": true` (per-request `elapsedMicros` in the results).
"""
import argparse
import json
import re
import sys


def version_number(v):
    m = re.fullmatch(r"v(\d+)", v)
    return int(m.group(1)) if m else None


def pairs(data, names, both):
    for name in sorted(data) if not names else names:
        policy = data.get(name)
        if policy is None:
            print(f"pairs.py: no managed policy named {name}", file=sys.stderr)
            continue
        versions = sorted(
            (n, v) for v, n in ((v, version_number(v)) for v in policy.get("versions", {}))
            if n is not None and "document" in policy["versions"][v]
        )
        for (_, a), (_, b) in zip(versions, versions[1:]):
            old = policy["versions"][a]["document"]
            new = policy["versions"][b]["document"]
            yield f"{name} {a}->{b}", old, new
            if both:
                yield f"{name} {b}->{a}", new, old


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--policy", action="append", default=[])
    ap.add_argument("--both", action="store_true")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--stats", action="store_true")
    args = ap.parse_args()
    with open(args.data, encoding="utf-8") as f:
        data = json.load(f)
    items = list(pairs(data, args.policy, args.both))
    if args.limit is not None and args.limit < len(items):
        step = len(items) / args.limit
        items = [items[int(i * step)] for i in range(args.limit)]
    out = sys.stdout
    for ident, old, new in items:
        req = {
            "id": ident,
            "check": "check-no-new-access",
            "existingPolicyDocument": old,
            "newPolicyDocument": new,
            "policyType": "IDENTITY_POLICY",
        }
        if args.stats:
            req["stats"] = True
        out.write(json.dumps(req, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
