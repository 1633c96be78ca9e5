#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets at run time (never committed) from ../shared/samples/public, the
synthetic generator and tests/fuzz/regressions/. One directory per target under --out; file names are content
hashes, so re-running is idempotent."""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def walk(value, found):
    """Collects images/keys, attribute values, N texts, stream records and (old, new) pairs from a JSON tree."""
    if isinstance(value, dict):
        if "eventName" in value or "dynamodb" in value or "Item" in value or "Metadata" in value:
            found["records"].append(value)
        ddb = value.get("dynamodb") if isinstance(value.get("dynamodb"), dict) else None
        if ddb and isinstance(ddb.get("NewImage"), dict) and isinstance(ddb.get("OldImage"), dict):
            found["pairs"].append((ddb["OldImage"], ddb["NewImage"]))
        for name in ("Keys", "NewImage", "OldImage", "Item"):
            if isinstance(value.get(name), dict):
                found["items"].append(value[name])
        if len(value) == 1:
            (tag, inner), = value.items()
            if tag in ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"):
                found["values"].append(value)
                if tag == "N":
                    found["numbers"].append(str(inner))
                if tag == "NS" and isinstance(inner, list):
                    found["numbers"].extend(str(x) for x in inner)
        for v in value.values():
            walk(v, found)
    elif isinstance(value, list):
        for v in value:
            walk(v, found)


def load_any(path):
    with open(path, "rb") as f:
        raw = f.read()
    docs = []
    try:
        docs.append(json.loads(raw.decode("utf-8-sig")))
    except (ValueError, UnicodeDecodeError):
        for line in raw.splitlines():
            try:
                docs.append(json.loads(line))
            except (ValueError, UnicodeDecodeError):
                pass
    return raw, docs


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shared", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--regressions", default="")
    p.add_argument("--limit", type=int, default=1500, help="max seeds per target")
    a = p.parse_args()

    found = {"records": [], "items": [], "values": [], "numbers": [], "pairs": []}
    whole_files = []
    samples = os.path.join(a.shared, "samples", "public")
    for root, _, files in sorted(os.walk(samples)):
        for name in sorted(files):
            if name.endswith((".json", ".jsonl")):
                raw, docs = load_any(os.path.join(root, name))
                whole_files.append(raw)
                for d in docs:
                    walk(d, found)

    with tempfile.TemporaryDirectory() as tmp:
        gen = os.path.join(a.shared, "tools", "gen_capture.py")
        cap = os.path.join(tmp, "gen.jsonl")
        subprocess.run([sys.executable, gen, "--seed", "3", "--records", "300", "--keys", "40", "--tables", "2",
                        "--composite-keys", "--ttl-rate", "0.3", "--duplicate-rate", "0.05", "--layout", "jsonl",
                        "--out", cap, "--quiet"], check=True)
        raw, docs = load_any(cap)
        lines = raw.splitlines(keepends=True)
        for d in docs:
            walk(d, found)
        for i in range(0, min(len(lines), 200), 20):
            whole_files.append(b"".join(lines[i:i + 20]))
        whole_files.append(b'{"Records":[' + b",".join(l.rstrip(b"\r\n") for l in lines[:30]) + b"]}")

    dump = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    for target, seeds in (
        ("fuzz_attributevalue", [dump(v) for v in found["items"] + found["values"]]),
        ("fuzz_decimal", found["numbers"] + ["0\n-0.0", "1E-130\n9.9999999999999999999999999999999999999E+125",
                                             "9007199254740993\n9007199254740992", "123\n0000123", "1e400\n1E+400",
                                             "Zm9vYmFy\nZm9vYg", "49668042373337581829475813462018891946\n5"]),
        ("fuzz_diff", [dump(o) + "\n" + dump(n) for o, n in found["pairs"]]),
        ("fuzz_streamrecord", [dump(r) for r in found["records"]]),
        ("fuzz_import", whole_files),
    ):
        seen = set()
        for s in seeds:
            if len(seen) >= a.limit:
                break
            key = s if isinstance(s, bytes) else s.encode("utf-8", "surrogatepass")
            if key in seen or len(key) > 65536:
                continue
            seen.add(key)
            write(a.out, target, key)
        # Crash regressions are seeds too, so the fuzzer starts from every known-bad shape.
        reg = os.path.join(a.regressions, target) if a.regressions else ""
        if reg and os.path.isdir(reg):
            for name in sorted(os.listdir(reg)):
                with open(os.path.join(reg, name), "rb") as f:
                    write(a.out, target, f.read())
        print(f"{target}: {len(seen)} seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
