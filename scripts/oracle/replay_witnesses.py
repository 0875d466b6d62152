#!/usr/bin/env python3
"""Witness replay: runs iamcheck's checks over the labelled corpora and the examples and replays
every FAIL witness through the iam-simulate oracle (oracle.mjs).

Python 3 standard library only. Usage:

    scripts/oracle/replay_witnesses.py [--iamcheck target/release/iamcheck]
        [--allow-list scripts/oracle/allow-list.json] [--no-quacky] [--show N]

check-no-new-access: the new policy must Allow the witness and the existing one must not.
check-access-not-granted (examples): the policy must Allow the witness.
A witness the oracle cannot evaluate (decision "Error": e.g. an action that is not in AWS's
catalogue such as `a:a`, which iam-simulate rejects in strict mode) is counted as not
replayable, with the reason. Every refuted witness is localized and matched against the
allow-list; exit 1 when some refutation is unexplained.
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from oracle_common import (AllowList, Oracle, localize, run_iamcheck_check_no_new_access,  # noqa: E402
                           run_iamcheck_simulate)

EXAMPLES = [  # the launch article's FAIL cases (scripts/examples.sh)
    ("examples 1/3", "nna", "reference-account-only.json", "public-put.json", "RESOURCE_POLICY"),
    ("examples 5", "nna", "public-put.json", "account-put-delete.json", "RESOURCE_POLICY"),
    ("examples 6", "nna", "account-put-delete.json", "public-put.json", "RESOURCE_POLICY"),
    ("examples 7", "ang", "account-put-delete.json", "actions=s3:DeleteBucket", "RESOURCE_POLICY"),
    ("examples 8", "ang", "identity-ec2-s3.json", "actions=s3:DeleteBucket", "IDENTITY_POLICY"),
    ("examples 10", "ang", "identity-ec2-s3.json", "actions=ec2:DescribeInstanceStatus", "IDENTITY_POLICY"),
]


def load_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def checks(include_quacky):
    """(id, kind, existing, new, policy_type) for check-no-new-access; kind 'ang' carries (policy, access)."""
    out = []
    for case in load_jsonl(os.path.join(ROOT, "tests", "data", "aa-samples.jsonl")):
        # The samples' `<ACCOUNT ID>` placeholder is an error for AWS and iamcheck alike (not a
        # 12-digit account): filled as tests/laws.rs and the crosscheck do.
        fill = lambda doc: json.loads(json.dumps(doc).replace("<ACCOUNT ID>", "111111111111"))
        out.append((case["id"], "nna", fill(case["existing_policy"]), fill(case["new_policy"]),
                    case["policy_type"]))
    if include_quacky:
        for case in load_jsonl(os.path.join(ROOT, "tests", "data", "quacky-pairs.jsonl")):
            out.append((case["id"] + " (mutant vs original)", "nna", case["original"], case["mutant"],
                        "IDENTITY_POLICY"))
            out.append((case["id"] + " (original vs mutant)", "nna", case["mutant"], case["original"],
                        "IDENTITY_POLICY"))
    for name, kind, a, b, ptype in EXAMPLES:
        with open(os.path.join(ROOT, "examples", a), encoding="utf-8") as f:
            first = json.load(f)
        if kind == "nna":
            with open(os.path.join(ROOT, "examples", b), encoding="utf-8") as f:
                second = json.load(f)
            out.append((name, "nna", first, second, ptype))
        else:
            out.append((name, "ang", first, b, ptype))
    return out


def run_check(binary, item, extra=()):
    cid, kind, a, b, ptype = item
    if kind == "nna":
        return run_iamcheck_check_no_new_access(binary, a, b, ptype, extra)
    proc = subprocess.run([binary, "check-access-not-granted", "--policy-document", json.dumps(a),
                           "--access", b, "--policy-type", ptype, "--output", "json", *extra],
                          capture_output=True, text=True, check=False)
    return json.loads(proc.stdout) if proc.returncode != 2 else {"result": "INVALID"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--iamcheck", default=os.path.join(os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target"), "release", "iamcheck"))
    ap.add_argument("--allow-list", default=os.path.join(HERE, "allow-list.json"))
    ap.add_argument("--no-quacky", action="store_true", help="only aa-samples and the examples")
    ap.add_argument("--show", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 4)
    args = ap.parse_args()
    if not os.access(args.iamcheck, os.X_OK):
        print(f"replay: {args.iamcheck} not found; run `cargo build --release`", file=sys.stderr)
        return 2
    allow = AllowList.load(args.allow_list)
    items = checks(not args.no_quacky)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda it: run_check(args.iamcheck, it), items))

    # Each FAIL gives one or two oracle questions: (policy that must Allow, policy that must not).
    questions, owners = [], []
    verdicts = {}
    for item, res in zip(items, results):
        verdicts[res.get("result", "?")] = verdicts.get(res.get("result", "?"), 0) + 1
        if res.get("result") != "FAIL":
            continue
        cid, kind, a, b, ptype = item
        w = res["witness"]
        if kind == "nna":
            questions.append({"policy": b, "policy_type": ptype, "request": w, "fallback_unsafe": True})
            owners.append((item, "new-allows"))
            questions.append({"policy": a, "policy_type": ptype, "request": w, "fallback_unsafe": True})
            owners.append((item, "existing-does-not"))
        else:
            questions.append({"policy": a, "policy_type": ptype, "request": w, "fallback_unsafe": True})
            owners.append((item, "new-allows"))
    with Oracle() as oracle:
        answers = oracle.evaluate_all(questions)
    # A FAIL that passes under the catalogue request model (only real (action, resource type)
    # pairs exist) has no real request in its violating set (an Access Analyzer false FAIL):
    # iam-simulate's strict mode, which accepts only real requests, cannot replay its witness by
    # construction. Counted apart.
    failing = [item for item, res in zip(items, results) if res.get("result") == "FAIL"]
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        catalog = list(pool.map(lambda it: run_check(args.iamcheck, it, ("--request-model", "catalog")), failing))
    no_real = {item[0] for item, res in zip(failing, catalog) if res.get("result") == "PASS"}

    per_witness = {}
    for (item, role), q, ans in zip(owners, questions, answers):
        rec = per_witness.setdefault(item[0], {"item": item, "witness": q["request"], "parts": {}})
        rec["parts"][role] = (q, ans)

    counts = {"witnesses": len(per_witness), "strict_confirmed": 0, "confirmed": 0, "unsafe": 0, "refuted_unsafe": 0,
              "not_replayable": 0, "explained": 0, "unexplained": 0, "no_real_request": 0,
              "real_strict_confirmed": 0}
    errors = {}
    refuted = []
    not_strict = []
    with Oracle() as localizer:
        for cid, rec in per_witness.items():
            parts = rec["parts"]
            real = cid not in no_real
            if not real:
                counts["no_real_request"] += 1
            if any(ans["decision"] == "Error" or ans["detail"].get("mode") == "unsafe"
                   for _, ans in parts.values()):
                not_strict.append(f"{cid}: {json.dumps(rec['witness'])}")
            if any(ans["decision"] == "Error" for _, ans in parts.values()):
                counts["not_replayable"] += 1
                reason = next(ans["detail"].get("reason") for _, ans in parts.values() if ans["decision"] == "Error")
                errors[reason] = errors.get(reason, 0) + 1
                continue
            ok = parts["new-allows"][1]["decision"] == "Allow"
            if "existing-does-not" in parts:
                ok = ok and parts["existing-does-not"][1]["decision"] != "Allow"
            unsafe = any(ans["detail"].get("mode") == "unsafe" for _, ans in parts.values())
            if unsafe:
                counts["unsafe"] += 1
            if ok:
                counts["confirmed"] += 1
                if not unsafe:
                    counts["strict_confirmed"] += 1
                    counts["real_strict_confirmed"] += real
                continue
            if unsafe:
                # Without iam-simulate's validation the comparison is informational only (its
                # resource parsing and context-key normalization are skipped); not gated.
                counts["refuted_unsafe"] += 1
                refuted.append({"id": cid, "role": "unsafe", "pattern": "UNSAFE (not gated)",
                                "iamcheck": "-", "iam_simulate": {r: a["decision"] for r, (_, a) in parts.items()},
                                "request": rec["witness"]})
                continue
            # Find the policy the oracle disagrees on and localize it.
            for role, (q, ans) in parts.items():
                want_allow = role == "new-allows"
                if (ans["decision"] == "Allow") == want_allow:
                    continue
                ours = run_iamcheck_simulate(args.iamcheck, q["policy"], q["policy_type"], q["request"])
                entry = {"id": cid, "role": role, "policy_type": q["policy_type"], "policy": q["policy"],
                         "request": q["request"], "iamcheck": ours["decision"], "iam_simulate": ans["decision"]}
                entry["minimal"] = localize(args.iamcheck, localizer, q["policy"], q["policy_type"], q["request"])
                pattern = allow.explain(entry)
                entry["pattern"] = pattern["id"] if pattern else "UNEXPLAINED"
                refuted.append(entry)
                counts["explained" if pattern else "unexplained"] += 1
                break

    replayable = counts["witnesses"] - counts["not_replayable"]
    pct = 100.0 * counts["confirmed"] / replayable if replayable else 0.0
    print(f"replay: {len(items)} checks ({json.dumps(verdicts, sort_keys=True)}), {counts['witnesses']} FAIL witnesses")
    print(f"  replayable {replayable}: confirmed by iam-simulate {counts['confirmed']} ({pct:.2f}%), "
          f"refuted {len(refuted)} (strict: explained {counts['explained']}, unexplained {counts['unexplained']}; "
          f"unsafe, not gated: {counts['refuted_unsafe']})")
    strict_pct = 100.0 * counts["strict_confirmed"] / counts["witnesses"] if counts["witnesses"] else 0.0
    print(f"  strict mode (iam-simulate validates the request against its catalogue): "
          f"{counts['strict_confirmed']} of {counts['witnesses']} witnesses replay ({strict_pct:.1f}%)")
    real_total = counts["witnesses"] - counts["no_real_request"]
    real_pct = 100.0 * counts["real_strict_confirmed"] / real_total if real_total else 0.0
    print(f"  witnesses of FAILs with no real request (PASS under --request-model catalog: an Access Analyzer "
          f"false FAIL, not replayable in strict mode by construction): {counts['no_real_request']} "
          f"{json.dumps(sorted(no_real))}")
    print(f"  strict mode over the {real_total} witnesses of FAILs with a real request: "
          f"{counts['real_strict_confirmed']} replay ({real_pct:.1f}%)")
    print(f"  of which evaluated by runUnsafeSimulation (action/resource not in AWS's catalogue): {counts['unsafe']}")
    print(f"  not replayable (oracle Error) {counts['not_replayable']} {json.dumps(errors, sort_keys=True)}")
    for line in not_strict[: args.show]:
        print(f"  not strict: {line}")
    for e in sorted(refuted, key=lambda e: (e["pattern"] != "UNEXPLAINED", e["pattern"]))[: args.show]:
        print(f"\n== {e['id']} [{e['role']}] {e['pattern']}: iamcheck {e['iamcheck']}, iam-simulate {e['iam_simulate']}")
        print("   request:", json.dumps(e["request"]))
        if e.get("minimal"):
            print("   localized:", json.dumps({k: e["minimal"][k] for k in ("statement", "request", "iamcheck",
                                                                             "iam_simulate")}))
    return 1 if counts["unexplained"] else 0


if __name__ == "__main__":
    sys.exit(main())
