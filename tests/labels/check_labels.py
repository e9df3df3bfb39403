#!/usr/bin/env python3
"""Validate the hand-made policy labels in tests/labels/{dev,heldout}/*.toml.

Stdlib only (Python >= 3.11 for tomllib). Run from anywhere:
    python3 tests/labels/check_labels.py [--shared DIR]
Checks, for every label file: only the documented keys; `policy` names an existing file
("shared:" = relative to APPAUDIT_SHARED or ../shared, else relative to the repository root);
language is zh|en; every data type id is in data/taxonomy.json; `line` is within the file and
`quote` (and `name` for SDKs) is an exact substring of that line; `data_quote` occurs on the
SDK's line or within the DATA_WINDOW lines after it; no SDK is labelled twice in one file
(same name); heldout policies live under tests/policies/heldout/ and are listed in SOURCES.md.
Exits 1 and prints every problem when a label is wrong.
"""
import argparse
import json
import os
import sys
import tomllib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DATA_WINDOW = 80
TOP_KEYS = {"policy", "language", "note", "sdk", "collects", "denies"}
SDK_KEYS = {"name", "line", "quote", "sdk_id", "data_types", "data_quote"}
SDK_REQUIRED = {"name", "line", "quote", "data_types"}
STMT_KEYS = {"type", "line", "quote"}


def load_taxonomy():
    with open(os.path.join(ROOT, "data", "taxonomy.json"), encoding="utf-8") as f:
        return {d["id"] for d in json.load(f)["data_types"]}


def load_sdk_ids():
    ids = set()
    base = os.path.join(ROOT, "sdk-signatures")
    for dirpath, _, files in os.walk(base):
        for name in files:
            if name.endswith(".toml"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    for sdk in tomllib.load(f).get("sdk", []):
                        ids.add(sdk["id"])
    return ids


def policy_path(policy, shared):
    if policy.startswith("shared:"):
        return os.path.join(shared, policy[len("shared:"):])
    return os.path.join(ROOT, policy)


def check_file(path, taxonomy, sdk_ids, shared, sources_text):
    errs = []

    def err(msg):
        errs.append(f"{os.path.relpath(path, ROOT)}: {msg}")

    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (tomllib.TOMLDecodeError, OSError) as e:
        return [f"{path}: cannot parse: {e}"], 0, 0
    for k in doc:
        if k not in TOP_KEYS:
            err(f"unknown top-level key {k!r}")
    for k in ("policy", "language", "note"):
        if not isinstance(doc.get(k), str) or not doc.get(k):
            err(f"missing or empty {k!r}")
    if errs:
        return errs, 0, 0
    if doc["language"] not in ("zh", "en"):
        err(f"language {doc['language']!r} is not zh|en")
    ppath = policy_path(doc["policy"], shared)
    if not os.path.isfile(ppath):
        err(f"policy file {ppath} does not exist")
        return errs, 0, 0
    if "/heldout/" in path:
        if not doc["policy"].startswith("tests/policies/heldout/"):
            err("a heldout label must point into tests/policies/heldout/")
        elif os.path.basename(ppath) not in sources_text:
            err(f"{os.path.basename(ppath)} is not listed in tests/policies/heldout/SOURCES.md")
    with open(ppath, encoding="utf-8") as f:
        lines = f.read().split("\n")

    def on_line(kind, i, entry, field_names):
        ln = entry.get("line")
        if not isinstance(ln, int) or isinstance(ln, bool) or not 1 <= ln <= len(lines):
            err(f"{kind} #{i}: line {ln!r} outside 1..{len(lines)}")
            return None
        for fld in field_names:
            val = entry.get(fld)
            if not isinstance(val, str) or not val:
                err(f"{kind} #{i}: {fld} missing or empty")
            elif val not in lines[ln - 1]:
                err(f"{kind} #{i}: {fld} {val!r} is not on line {ln}")
        return ln

    n_types = 0
    seen = set()
    sdks = doc.get("sdk", [])
    if not isinstance(sdks, list):
        err("`sdk` must be an array of tables")
        sdks = []
    for i, s in enumerate(sdks, 1):
        for k in s:
            if k not in SDK_KEYS:
                err(f"sdk #{i}: unknown key {k!r}")
        for k in SDK_REQUIRED:
            if k not in s:
                err(f"sdk #{i}: missing {k!r}")
        ln = on_line("sdk", i, s, ("name", "quote"))
        name = s.get("name")
        if name in seen:
            err(f"sdk #{i}: {name!r} labelled twice")
        seen.add(name)
        if "sdk_id" in s and s["sdk_id"] not in sdk_ids:
            err(f"sdk #{i}: sdk_id {s['sdk_id']!r} not in sdk-signatures")
        types = s.get("data_types", [])
        if not isinstance(types, list):
            err(f"sdk #{i}: data_types must be a list")
            types = []
        if len(set(types)) != len(types):
            err(f"sdk #{i}: repeated data type")
        for t in types:
            if t not in taxonomy:
                err(f"sdk #{i}: data type {t!r} not in taxonomy")
        n_types += len(types)
        if types and not s.get("data_quote"):
            err(f"sdk #{i}: data_types without data_quote")
        dq = s.get("data_quote")
        if dq is not None and ln is not None:
            if not isinstance(dq, str) or not dq:
                err(f"sdk #{i}: empty data_quote")
            elif not any(dq in lines[j] for j in range(ln - 1, min(len(lines), ln - 1 + DATA_WINDOW))):
                err(f"sdk #{i}: data_quote {dq!r} not within {DATA_WINDOW} lines from line {ln}")
    n_stmt = 0
    for kind in ("collects", "denies"):
        entries = doc.get(kind, [])
        seen_t = set()
        for i, c in enumerate(entries, 1):
            for k in c:
                if k not in STMT_KEYS:
                    err(f"{kind} #{i}: unknown key {k!r}")
            if c.get("type") not in taxonomy:
                err(f"{kind} #{i}: type {c.get('type')!r} not in taxonomy")
            if c.get("type") in seen_t:
                err(f"{kind} #{i}: type {c.get('type')!r} labelled twice")
            seen_t.add(c.get("type"))
            on_line(kind, i, c, ("quote",))
            n_stmt += 1
    return errs, (len(sdks), n_types, n_stmt), 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("APPAUDIT_SHARED", os.path.join(ROOT, "..", "shared")))
    args = ap.parse_args()
    taxonomy = load_taxonomy()
    sdk_ids = load_sdk_ids()
    src = os.path.join(ROOT, "tests", "policies", "heldout", "SOURCES.md")
    sources_text = open(src, encoding="utf-8").read() if os.path.isfile(src) else ""
    problems = []
    for part in ("dev", "heldout"):
        d = os.path.join(ROOT, "tests", "labels", part)
        files = sorted(f for f in os.listdir(d) if f.endswith(".toml")) if os.path.isdir(d) else []
        tot = [0, 0, 0]
        for f in files:
            errs, counts, _ = check_file(os.path.join(d, f), taxonomy, sdk_ids, args.shared, sources_text)
            problems += errs
            if counts:
                tot = [a + b for a, b in zip(tot, counts)]
        print(f"{part}: {len(files)} policies, {tot[0]} SDK labels, {tot[1]} SDK data-type labels, "
              f"{tot[2]} collects/denies statements")
    for p in problems:
        print("ERROR", p)
    if problems:
        sys.exit(1)
    print("all labels valid")


if __name__ == "__main__":
    main()
