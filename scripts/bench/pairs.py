#!/usr/bin/env python3
"""Consecutive version pairs of AWS managed policies as `iamcheck batch` requests (JSON Lines).

Reads managedPolicies.json (scripts/bench/install.sh prints its path). For each policy, its
versions are sorted numerically (v1, v2, …, v10; missing numbers are skipped, so v3→v5 is a
pair when v4 was never published) and every consecutive pair becomes a check-no-new-access
request, existing = older, new = newer; with --both, also the reverse direction.

    pairs.py DATA [--policy NAME]... [--both] [--limit N] [--stats] > pairs.jsonl

`id` is "NAME vA->vB". --limit keeps N pairs evenly spread over the whole list (after
--both). --stats adds `"stats": true` (per-request `elapsedMicros` in the results).

    pairs.py --realism RESULTS.jsonl [--requests REQUESTS.jsonl [--binary PATH]]

prints the witness-realism figure of a batch's results: the share of FAIL witnesses whose
action is in AWS's catalogue (src/iam/catalog/actions.txt, scripts/catalog/generate.sh) and
whose resource fits the ARN format of one of the resource types that action takes (`*` for an
action that takes none), with the same format rules as src/iam/catalog.rs (`format_regex`).
With --requests (the batch's requests file, matched to the results by `id`), the checks of
the unreal witnesses are re-run with `iamcheck batch --request-model catalog` (--binary,
default target/release/iamcheck): PASS there means no real request violates (Access
Analyzer's model FAILs falsely, no witness can be real), FAIL means a real violating request
exists that the polishing missed, anything else is undecided. A second line then gives the
figure over the FAILs that have a real violating request, with those counts.
"""
import argparse
import json
import os
import re
import subprocess
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
DEFAULT_BINARY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "target", "release",
                              "iamcheck")


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
                out.append("[A-Za-z0-9._-]+")
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


def realism(results_path, requests_path=None, binary=None):
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
    if requests_path is not None:
        realism_with_real_requests(real, unreal, requests_path, binary)
    # the missed real requests first: they are what the polishing can still improve
    for ident, w in sorted(unreal.items(), key=lambda kv: ("[MISSED]" not in kv[1], kv[0]))[:20]:
        print(f"  not real: {ident}: {w}")


def realism_with_real_requests(real, unreal, requests_path, binary):
    """Re-runs the unreal witnesses' checks in the catalogue model and prints the figure over
    the FAILs that have a real violating request; marks each unreal witness with its outcome."""
    lines = []
    with open(requests_path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and json.loads(line).get("id") in unreal:
                lines.append(line if line.endswith("\n") else line + "\n")
    found = {json.loads(line).get("id") for line in lines}
    missing = [i for i in unreal if i not in found]
    if missing:
        sys.exit(f"pairs.py: {len(missing)} FAIL ids not in {requests_path}, e.g. {missing[0]!r}")
    run = subprocess.run(
        [binary or DEFAULT_BINARY, "batch", "--request-model", "catalog"],
        input="".join(lines), capture_output=True, text=True, check=False)
    outcomes = {}
    for line in run.stdout.splitlines():
        if line.strip():
            r = json.loads(line)
            outcomes[r.get("id")] = r.get("result")
    if run.returncode not in (0, 1, 3) or len(outcomes) != len(unreal):
        sys.exit(f"pairs.py: catalogue re-run failed (exit {run.returncode}): {run.stderr.strip()[:500]}")
    none = sum(1 for v in outcomes.values() if v == "PASS")
    missed = sum(1 for v in outcomes.values() if v == "FAIL")
    undecided = len(outcomes) - none - missed
    base = real + missed
    pct = 100.0 * real / base if base else 0.0
    print(f"over FAILs with a real violating request: {real} of {base} ({pct:.1f} %); "
          f"of the {len(unreal)} unreal: {none} no real request, {missed} real request missed, "
          f"{undecided} undecided")
    for ident in unreal:
        tag = {"PASS": "no real request", "FAIL": "MISSED"}.get(outcomes.get(ident), "undecided")
        unreal[ident] += f" [{tag}]"


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "--realism":
        rp = argparse.ArgumentParser(prog="pairs.py --realism")
        rp.add_argument("results")
        rp.add_argument("--requests")
        rp.add_argument("--binary")
        ra = rp.parse_args(sys.argv[2:])
        realism(ra.results, ra.requests, ra.binary)
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
