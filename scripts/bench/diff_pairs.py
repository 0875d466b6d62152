#!/usr/bin/env python3
"""Times `iamcheck diff` and `iamcheck check-no-new-access` on the pairs `pairs.py` writes.

    pairs.py DATA --both --limit 200 > pairs.jsonl
    diff_pairs.py pairs.jsonl [--iamcheck target/release/iamcheck] [--timeout 60]

Runs each pair once per command, one process at a time, and reads each child's CPU user time
from the OS (resource.getrusage(RUSAGE_CHILDREN) before and after); prints the distribution
(median, p90, p99, max) of user time and wall time per command, and the diff's outcomes by
exit code (0 nothing added, 1 added, 2 error, 3 undecided) with the regions' counts.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import tempfile
import time


def run(cmd, timeout):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        code, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired:
        code, out = "timeout", b""
    wall = time.monotonic() - start
    user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
    return code, out, user * 1000, wall * 1000


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs")
    ap.add_argument("--iamcheck", default="target/release/iamcheck")
    ap.add_argument("--timeout", type=float, default=60)
    args = ap.parse_args()
    times = {"diff": ([], []), "check-no-new-access": ([], [])}
    outcomes, regions, slow = {}, [], []
    with tempfile.TemporaryDirectory() as tmp, open(args.pairs, encoding="utf-8") as f:
        for line in f:
            req = json.loads(line)
            old, new = os.path.join(tmp, "old.json"), os.path.join(tmp, "new.json")
            with open(old, "w") as o:
                json.dump(req["existingPolicyDocument"], o)
            with open(new, "w") as o:
                json.dump(req["newPolicyDocument"], o)
            docs = ["--existing-policy-document", "file://" + old,
                    "--new-policy-document", "file://" + new,
                    "--policy-type", req.get("policyType", "IDENTITY_POLICY")]
            for command in times:
                extra = ["--output", "json"]
                code, out, user, wall = run([args.iamcheck, command, *docs, *extra], args.timeout)
                times[command][0].append(user)
                times[command][1].append(wall)
                if command == "diff":
                    outcomes[code] = outcomes.get(code, 0) + 1
                    try:
                        d = json.loads(out)
                        regions.append(len(d.get("added", [])) + len(d.get("removed", [])))
                    except ValueError:
                        pass
                    slow.append((user, req["id"], code))
    n = len(slow)
    print(f"{n} pairs")
    for command, (user, wall) in times.items():
        print(f"{command:20} user ms: median {statistics.median(user):.0f}, p90 {pct(user, .9):.0f}, "
              f"p99 {pct(user, .99):.0f}, max {max(user):.0f}; wall ms: median "
              f"{statistics.median(wall):.0f}, p90 {pct(wall, .9):.0f}, max {max(wall):.0f}")
    print("diff exit codes:", dict(sorted(outcomes.items(), key=str)))
    if regions:
        print(f"diff regions per pair (both sides): median {statistics.median(regions):.0f}, "
              f"p90 {pct(regions, .9)}, max {max(regions)}")
    print("slowest diffs (user ms, pair, exit):")
    for user, ident, code in sorted(slow, reverse=True)[:5]:
        print(f"  {user:.0f}  {ident}  {code}")


if __name__ == "__main__":
    main()
