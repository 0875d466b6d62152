"""The measurements behind compare.sh; prints one Markdown table.

Each row: workload, checks, iamcheck wall and CPU time (whole batch), median/p90/p99/max per
check (`elapsedMicros`, parse + check), outcomes, peak memory, and for the solver rows z3 and
cvc5 times on the SMT-LIB export of the same query with the ratio to iamcheck (its best of three
end-to-end CLI runs). The serde_json floor row is examples/parse_floor on the managed pairs'
documents (one thread, best of three). After the table: the UNKNOWN count by cause (`code`).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "iamcheck")
TIME = "/usr/bin/time" if shutil.which("/usr/bin/time") else None


def run_measured(cmd, stdin_path=None, timeout=None):
    """Runs cmd; returns (exit code, stdout, wall seconds, peak RSS in MB or None).

    The CPU seconds (user + system) of the last run are in LAST_CPU (None without
    /usr/bin/time)."""
    global LAST_CPU
    wrapped = [TIME, "-v"] + cmd if TIME else cmd
    start = time.perf_counter()
    with open(stdin_path, "rb") if stdin_path else open(os.devnull, "rb") as stdin:
        p = subprocess.run(wrapped, stdin=stdin, capture_output=True, timeout=timeout)
    wall = time.perf_counter() - start
    peak = None
    m = re.search(rb"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    if m:
        peak = int(m.group(1)) / 1024
    cpu = [float(x) for x in re.findall(rb"(?:User|System) time \(seconds\): ([0-9.]+)", p.stderr)]
    LAST_CPU = sum(cpu) if cpu else None
    return p.returncode, p.stdout.decode(), wall, peak


LAST_CPU = None


def quantile(sorted_values, q):
    """The value at rank floor(q * n) (the convention of every table in docs/performance.md)."""
    if not sorted_values:
        return 0
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * q))]


def batch_row(name, path, keep=None):
    code, out, wall, peak = run_measured([BIN, "batch", "--input", path, "--stats"])
    if keep:
        with open(os.path.join(keep, re.sub(r"[^A-Za-z0-9]+", "-", name) + ".out"), "w",
                  encoding="utf-8") as f:
            f.write(out)
    results = [json.loads(line) for line in out.splitlines() if line.strip()]
    micros = sorted(r.get("elapsedMicros", 0) for r in results)
    counts = {}
    unknown = {}
    for r in results:
        counts[r["result"]] = counts.get(r["result"], 0) + 1
        if r["result"] == "UNKNOWN":
            code_ = r.get("code", "?")
            unknown[code_] = unknown.get(code_, 0) + 1
    return {
        "workload": name,
        "checks": len(results),
        "wall": f"{wall:.2f} s",
        "cpu": f"{LAST_CPU:.1f} s" if LAST_CPU is not None else "-",
        "median": f"{quantile(micros, 0.5) / 1000:.2f} ms" if micros else "-",
        "p90": f"{quantile(micros, 0.9) / 1000:.1f} ms",
        "p99": f"{quantile(micros, 0.99) / 1000:.1f} ms",
        "max": f"{(micros[-1] if micros else 0) / 1000:.0f} ms",
        "outcomes": " ".join(f"{k} {v}" for k, v in sorted(counts.items())),
        "memory": f"{peak:.0f} MB" if peak else "-",
        "unknown": unknown,
        "cpu_seconds": LAST_CPU,
    }


def floor_row(path, batch):
    """The serde_json floor: serde_json and iamcheck's parser on the same documents."""
    floor = os.path.join(ROOT, "target", "release", "examples", "parse_floor")
    p = subprocess.run([floor, path], capture_output=True)
    if p.returncode != 0:
        return {"workload": "serde_json floor", "outcomes": p.stderr.decode()[:80]}
    f = json.loads(p.stdout)
    row = {
        "workload": f"serde_json floor ({f['documents']} documents, {f['bytes'] / 1e6:.0f} MB)",
        "checks": f["requests"],
        "wall": f"{f['serdeJsonMs']:.0f} ms",
        "outcomes": f"iamcheck parse {f['iamcheckParseMs']:.0f} ms "
                    f"({f['parseOverSerde']:.1f}x serde_json)",
    }
    if batch.get("cpu_seconds"):
        row["outcomes"] += f"; batch CPU {batch['cpu_seconds'] / (f['serdeJsonMs'] / 1000):.0f}x serde_json"
    return row


def write_docs(req, work, i):
    paths = []
    for key in ("existingPolicyDocument", "newPolicyDocument"):
        p = os.path.join(work, f"q{i}-{key}.json")
        with open(p, "w", encoding="utf-8") as f:
            json.dump(req[key], f)
        paths.append(p)
    return paths


def solver_rows(requests, work, python, timeout):
    rows = []
    cvc5_run = os.path.join(ROOT, "scripts", "crosscheck", "cvc5_run.py")
    z3 = os.path.join(os.path.dirname(python), "z3")
    for i, req in enumerate(requests):
        old, new = write_docs(req, work, i)
        flags = ["--existing-policy-document", old, "--new-policy-document", new,
                 "--policy-type", "IDENTITY_POLICY"]
        best = None
        for _ in range(3):
            code, out, wall, peak = run_measured([BIN, "check-no-new-access", *flags, "--output", "json"])
            best = wall if best is None else min(best, wall)
        verdict = json.loads(out)["result"]
        smt = os.path.join(work, f"q{i}.smt2")
        p = subprocess.run([BIN, "smtlib", "check-no-new-access", *flags], capture_output=True)
        row = {"workload": f"solvers: {req['id']}", "checks": 1, "wall": f"{best * 1000:.1f} ms",
               "outcomes": verdict, "memory": f"{peak:.0f} MB" if peak else "-"}
        if p.returncode != 0:
            row["z3"] = row["cvc5"] = "no export"
            rows.append(row)
            continue
        with open(smt, "wb") as f:
            f.write(p.stdout)
        for solver, cmd in (("z3", [z3, f"-T:{timeout}", smt]), ("cvc5", [python, cvc5_run, smt])):
            try:
                code, out, wall, speak = run_measured(cmd, timeout=timeout + 5)
                answer = (out.split() or ["?"])[0]
                if answer not in ("sat", "unsat"):
                    row[solver] = f">{timeout} s ({answer})"
                else:
                    row[solver] = f"{wall:.2f} s {answer}, {wall / best:.0f}x"
            except subprocess.TimeoutExpired:
                row[solver] = f">{timeout} s (timeout)"
        rows.append(row)
    return rows


def synthetic(work):
    rows = []
    def policy(statements):
        return {"Version": "2012-10-17", "Statement": statements}
    def stmt(actions, i):
        return {"Effect": "Allow", "Action": actions, "Resource": f"arn:aws:s3:::bucket-{i}/*"}
    cases = []
    for n in (1, 10, 100, 1000, 10000):
        old = policy([stmt([f"svc{i % 300}:Get{i}*", f"svc{i % 300}:List{i}"], i) for i in range(n)])
        new = policy([stmt([f"svc{i % 300}:Get{i}*", f"svc{i % 300}:List{i}"], i) for i in range(n + 1)])
        cases.append((f"synthetic: {n} statements", old, new))
    for n in (1, 10, 100, 1000, 10000):
        acts = [f"svc{i % 300}:Action{i}" for i in range(n)]
        cases.append((f"synthetic: {n} patterns, 1 statement", policy([stmt(acts, 0)]),
                      policy([stmt(acts + ["svc0:Extra*"], 0)])))
    letters = "abcdef"
    for n in (4, 8, 16, 30):
        acts = [f"s3:*{letters[i % 6]}*{letters[(i // 6 + 1) % 6]}*{letters[(i + 2) % 6]}?*" for i in range(n)]
        cases.append((f"adversarial: {n} x s3:*a*b*c?*", policy([stmt(["s3:GetObject"], 0)]), policy([stmt(acts, 0)])))
    qs = os.path.join(work, "synthetic.jsonl")
    for name, old, new in cases:
        with open(qs, "w", encoding="utf-8") as f:
            f.write(json.dumps({"id": name, "check": "check-no-new-access", "existingPolicyDocument": old,
                                "newPolicyDocument": new, "policyType": "IDENTITY_POLICY"}) + "\n")
        rows.append(batch_row(name, qs))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--sample", type=int, default=6)
    ap.add_argument("--timeout", type=int, default=60)
    ap.add_argument("--solvers")
    ap.add_argument("--keep", help="a directory to keep the batch results in")
    args = ap.parse_args()
    managed = batch_row("managed pairs, both directions", os.path.join(args.work, "all.jsonl"),
                        args.keep)
    rows = [managed, floor_row(os.path.join(args.work, "all.jsonl"), managed),
            batch_row("ReadOnlyAccess series, both directions", os.path.join(args.work, "roa.jsonl"),
                      args.keep)]
    if args.solvers:
        with open(os.path.join(args.work, "roa.jsonl"), encoding="utf-8") as f:
            roa = [json.loads(l) for l in f]
        with open(os.path.join(args.work, "all.jsonl"), encoding="utf-8") as f:
            every = [json.loads(l) for l in f]
        picked = [r for r in roa if r["id"] == "ReadOnlyAccess v187->v188"]
        step = max(1, len(every) // max(1, args.sample - 1))
        picked += every[::step][: max(0, args.sample - 1)]
        rows += solver_rows(picked, args.work, args.solvers, args.timeout)
    rows += synthetic(args.work)
    cols = ["workload", "checks", "wall", "cpu", "median", "p90", "p99", "max", "outcomes", "memory",
            "z3", "cvc5"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r.get(c, "")) for c in cols) + " |")
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    print(f"\nmachine: {os.cpu_count()} cores, {cpu}")
    for r in rows:
        if r.get("unknown"):
            causes = ", ".join(f"{n} {c}" for c, n in sorted(r["unknown"].items(), key=lambda x: -x[1]))
            print(f"UNKNOWN by cause, {r['workload']}: {causes}")


if __name__ == "__main__":
    sys.exit(main())
