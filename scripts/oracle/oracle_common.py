"""Shared helpers for the oracle scripts (Python 3 standard library only)."""

import json
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def run_iamcheck_simulate(binary, policy, policy_type, request):
    """One `iamcheck simulate` process. Returns {"decision": Allow|ExplicitDeny|ImplicitDeny|Unknown|Invalid, ...}."""
    proc = subprocess.run(
        [binary, "simulate", "--policy-document", json.dumps(policy), "--policy-type", policy_type,
         "--request", json.dumps(request), "--output", "json"],
        capture_output=True, text=True, check=False)
    if proc.returncode == 2:
        return {"decision": "Invalid", "stderr": proc.stderr.strip()}
    if proc.returncode not in (0, 3):
        raise RuntimeError(f"iamcheck simulate exited {proc.returncode}: {proc.stderr}")
    out = json.loads(proc.stdout)
    if proc.returncode == 3:
        out["decision"] = "Unknown"
    return out


def run_iamcheck_check_no_new_access(binary, existing, new, policy_type, extra=()):
    proc = subprocess.run(
        [binary, "check-no-new-access", "--existing-policy-document", json.dumps(existing),
         "--new-policy-document", json.dumps(new), "--policy-type", policy_type, "--output", "json",
         *extra],
        capture_output=True, text=True, check=False)
    if proc.returncode == 2:
        return {"result": "INVALID", "stderr": proc.stderr.strip()}
    return json.loads(proc.stdout)


class Oracle:
    """The iam-simulate driver (oracle.mjs) as one streaming process."""

    def __init__(self, script=os.path.join(HERE, "oracle.mjs")):
        self.script = script

    def __enter__(self):
        if not os.path.isdir(os.path.join(HERE, "node_modules", "@cloud-copilot", "iam-simulate")):
            raise SystemExit("oracle: iam-simulate is not installed; run scripts/oracle/install.sh")
        return self

    def __exit__(self, *exc):
        proc = getattr(self, "proc", None)
        if proc is not None:
            proc.stdin.close()
            proc.wait()
            self.proc = None
        return False

    def ask(self, one):
        """Evaluates one input through a persistent node process (started on first use)."""
        if getattr(self, "proc", None) is None:
            self.proc = subprocess.Popen(["node", self.script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True, bufsize=1)
        self.proc.stdin.write(json.dumps(one, separators=(",", ":")) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("oracle.mjs stopped answering")
        return json.loads(line)

    def evaluate_all(self, inputs):
        """Evaluates every input in one node process (JSON Lines in, JSON Lines out, same order)."""
        text = "".join(json.dumps(i, separators=(",", ":")) + "\n" for i in inputs)
        proc = subprocess.run(["node", self.script], input=text, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"oracle.mjs exited {proc.returncode}: {proc.stderr}")
        lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        if len(lines) != len(inputs):
            raise RuntimeError(f"oracle.mjs answered {len(lines)} lines for {len(inputs)} inputs: {proc.stderr}")
        return lines


class AllowList:
    """Explained disagreement patterns (allow-list.json).

    Each pattern: {"id", "reason", "match": {...}} where every given field must hold:
      policy_type      exact policy type
      iamcheck         iamcheck's decision
      iam_simulate     the oracle's decision
      policy_regex     regex searched in the compact (sorted-keys) JSON of the localized statement
      request_regex    regex searched in the compact JSON of the localized request
      version          the policy's `Version` (absent: the pattern holds for any)
    The decisions, too, are those of the localized statement (see `localize`).
    """

    def __init__(self, patterns):
        self.patterns = patterns

    @classmethod
    def load(cls, path):
        if not path or not os.path.exists(path):
            return cls([])
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        return cls(data["patterns"])

    def explain(self, entry):
        """The first pattern matching the entry's localized form (entry["minimal"]: the smallest
        disagreeing statement and request), or None. Unlocalized entries match no pattern."""
        minimal = entry.get("minimal")
        if minimal is None:
            return None
        policy = compact(minimal["statement"])
        request = compact(minimal["request"])
        entry = dict(entry, iamcheck=minimal["iamcheck"], iam_simulate=minimal["iam_simulate"])
        for p in self.patterns:
            m = p["match"]
            if "policy_type" in m and m["policy_type"] != entry["policy_type"]:
                continue
            if "version" in m and m["version"] != minimal.get("version"):
                continue
            if "iamcheck" in m and m["iamcheck"] != entry["iamcheck"]:
                continue
            if "iam_simulate" in m and m["iam_simulate"] != entry["iam_simulate"]:
                continue
            if "policy_regex" in m and not re.search(m["policy_regex"], policy):
                continue
            if "request_regex" in m and not re.search(m["request_regex"], request):
                continue
            return p
        return None

    def reason(self, pattern_id):
        for p in self.patterns:
            if p["id"] == pattern_id:
                return p["reason"]
        return "?"


# ---- localizing a disagreement -----------------------------------------------------------

def _decide(binary, oracle, statement, policy_type, request, version="2012-10-17"):
    policy = {"Statement": [statement]}
    if version is not None:
        policy["Version"] = version
    a = run_iamcheck_simulate(binary, policy, policy_type, request)["decision"]
    if a in ("Unknown", "Invalid"):
        return None
    b = oracle.ask({"policy": policy, "policy_type": policy_type, "request": request})["decision"]
    if b == "Error":
        return None
    return a, b


def _variants(statement, request):
    """Smaller candidates, one change each: drop a condition entry or a context key, keep one list item."""
    cond = statement.get("Condition", {})
    for op in list(cond):
        for key in list(cond[op]):
            st = json.loads(json.dumps(statement))
            del st["Condition"][op][key]
            if not st["Condition"][op]:
                del st["Condition"][op]
            if not st["Condition"]:
                del st["Condition"]
            yield st, request
            values = cond[op][key]
            if isinstance(values, list) and len(values) > 1:
                for v in values:
                    st = json.loads(json.dumps(statement))
                    st["Condition"][op][key] = [v]
                    yield st, request
    for elem in ("Action", "NotAction", "Resource", "NotResource"):
        values = statement.get(elem)
        if isinstance(values, list) and len(values) > 1:
            for v in values:
                st = dict(statement)
                st[elem] = [v]
                yield st, request
    for elem in ("Principal", "NotPrincipal"):
        value = statement.get(elem)
        if isinstance(value, dict):
            items = [(k, v) for k, vs in value.items() for v in (vs if isinstance(vs, list) else [vs])]
            if len(items) > 1:
                for k, v in items:
                    st = dict(statement)
                    st[elem] = {k: v}
                    yield st, request
    for key, value in (request.get("context") or {}).items():
        req = json.loads(json.dumps(request))
        del req["context"][key]
        if not req["context"]:
            del req["context"]
        yield statement, req
        if isinstance(value, list) and len(value) > 1:
            for v in value:
                req = json.loads(json.dumps(request))
                req["context"][key] = [v]
                yield statement, req


def localize(binary, oracle, policy, policy_type, request):
    """The smallest single statement (and request) on which the two evaluators still disagree,
    under the policy's own `Version`.

    Returns {"statement", "request", "iamcheck", "iam_simulate", "statementIndex", "version"} or
    None when no single statement disagrees on its own (the difference lies in how statements
    combine)."""
    version = policy.get("Version")
    for index, statement in enumerate(policy["Statement"]):
        got = _decide(binary, oracle, statement, policy_type, request, version)
        if got is None or got[0] == got[1]:
            continue
        st, req = statement, request
        changed = True
        while changed:
            changed = False
            for cand_st, cand_req in _variants(st, req):
                cand = _decide(binary, oracle, cand_st, policy_type, cand_req, version)
                if cand is not None and cand[0] != cand[1]:
                    st, req, got, changed = cand_st, cand_req, cand, True
                    break
        return {"statementIndex": index, "statement": st, "request": req, "iamcheck": got[0],
                "iam_simulate": got[1], "version": version}
    return None
