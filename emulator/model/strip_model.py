#!/usr/bin/env python3
"""Strips the DynamoDB API model down to what request validation needs.

Usage (from the repository root), once per model:
    python3 emulator/model/strip_model.py \
        /work/shared/api-model/dynamodb-2012-08-10.service.json \
        > emulator/model/dynamodb-2012-08-10.shapes.json
    python3 emulator/model/strip_model.py \
        /work/shared/api-model/dynamodbstreams-2012-08-10.service.json \
        > emulator/model/dynamodbstreams-2012-08-10.shapes.json

Keeps every operation (name -> input shape) and every shape reachable from an
operation input, with only: type, members (as an ordered list, so the model's
member order survives any JSON parser), required, min, max, enum, pattern,
member/key/value targets. Documentation and output-only shapes are dropped.
emulator/build.rs turns the result into static Rust tables.
"""
import json
import os
import sys


def main(path):
    with open(path, encoding="utf-8") as f:
        model = json.load(f)
    shapes = model["shapes"]
    ops = {}
    roots = []
    for name in sorted(model["operations"]):
        op = model["operations"][name]
        inp = op.get("input", {}).get("shape")
        ops[name] = inp
        if inp:
            roots.append(inp)

    keep = {}
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in keep:
            continue
        s = shapes[name]
        out = {"type": s["type"]}
        if "members" in s:
            out["members"] = [
                {"name": m, "shape": spec["shape"]} for m, spec in s["members"].items()
            ]
            stack.extend(spec["shape"] for spec in s["members"].values())
        if s.get("required"):
            out["required"] = list(s["required"])
        for k in ("min", "max", "pattern"):
            if k in s:
                out[k] = s[k]
        if "enum" in s:
            out["enum"] = list(s["enum"])
        for k in ("member", "key", "value"):
            if k in s:
                out[k] = s[k]["shape"]
                stack.append(s[k]["shape"])
        keep[name] = out

    result = {
        "source": os.path.basename(path) + " (stripped by strip_model.py)",
        "targetPrefix": model["metadata"]["targetPrefix"],
        "operations": ops,
        "shapes": {k: keep[k] for k in sorted(keep)},
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
