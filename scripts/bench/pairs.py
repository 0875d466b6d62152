#!/usr/bin/env python3
"""Consecutive version pairs of AWS managed policies as `iamcheck batch` requests (JSON Lines).

Reads managedPolicies.json (scripts/bench/install.sh prints its path). For each policy, its
versions are sorted numerically (v1, v2, …, v10; missing numbers are skipped, so v3→v5 is a
pair when v4 was never published) and every consecutive pair becomes a check-no-new-access
request, existing = older, new = newer; with --both, also the reverse direction.

    pairs.py DATA [--policy NAME]... [--both] [--limit N] [--stats] > pairs.jsonl

`id` is "NAME vA->vB". --limit keeps N pairs evenly spread over the whole list (after
--both). --stats adds `"stats": true` (per-request `elapsedMicros` in the results).

    pairs.py --realism RESULTS.jsonl

prints the witness-realism figure of a batch's results: the share of FAIL witnesses whose
action is in AWS's catalogue (src/iam/catalog/actions.txt, scripts/catalog/generate.sh) and
whose resource fits the ARN format of one of the resource types that action takes (`*` for an
action that takes none), with the same format rules as src/iam/catalog.rs (`format_regex`).
"""
import argparse
import json
import os
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


CATALOG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "iam",
                       "catalog", "actions.txt")


def load_catalog(path=CATALOG):
    """Lower-cased `service:action` -> list of ARN formats; and the data's version."""
    actions, version, types, svc = {}, None, {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "v":
                version = cols[1]
            elif cols[0] == "s":
                svc, types = cols[1], {}
            elif cols[0] == "t":
                types[cols[1]] = cols[2]
            elif cols[0] == "a":
                actions[f"{svc}:{cols[1]}".lower()] = [types[t] for t in cols[2:]]
    return actions, version


def format_regex(fmt):
    """src/iam/catalog.rs `format_regex`, in Python's dialect."""
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "*":
            out.append("(?s:.)*")
            i += 1
        elif fmt.startswith("${", i):
            end = fmt.index("}", i)
            name, i = fmt[i + 2:end], end + 1
            nxt = fmt[i] if i < len(fmt) else None
            if name == "Partition":
                out.append("[a-z0-9-]+")
            elif name in ("Region", "Account"):
                out.append("[^:]*")
            elif name == "BucketName":
                out.append("[a-z0-9.-]+")
            elif nxt in ("/", ":"):
                out.append(f"[^{nxt}]+")
            else:
                out.append("(?s:.)+")
        else:
            j = min([k for k in (fmt.find("*", i), fmt.find("${", i)) if k >= 0] or [len(fmt)])
            out.append(re.escape(fmt[i:j]))
            i = j
    return "".join(out)


def is_real(actions, witness):
    formats = actions.get(witness.get("action", "").lower())
    if formats is None:
        return False
    resource = witness.get("resource", "")
    if not formats:
        return resource == "*"
    return any(re.fullmatch(format_regex(f), resource) for f in formats)


def realism(results_path):
    actions, version = load_catalog()
    total = real = 0
    unreal = {}
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r.get("result") != "FAIL":
                continue
            total += 1
            if is_real(actions, r["witness"]):
                real += 1
            else:
                w = r["witness"]
                unreal[r.get("id")] = f"{w.get('action')} on {w.get('resource')}"
    pct = 100.0 * real / total if total else 0.0
    print(f"witness realism (catalogue {version}): {real} of {total} FAIL witnesses real ({pct:.1f} %)")
    for ident, w in sorted(unreal.items())[:20]:
        print(f"  not real: {ident}: {w}")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--realism":
        realism(sys.argv[2])
        return
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
