#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""schema_test.py - every command's -j output validates against docs/schema/COMMAND.schema.json.

Usage: schema_test.py --cli CLI --mkcap MKCAP --data DIR --schemas DIR --work DIR CASE
CASE:
  schemas_are_strict   each schema is valid draft 2020-12, closes its objects, and
                       shared definitions are the same in every file; a document with
                       one field broken on purpose (type, pattern, enum, extra field,
                       missing field) is refused
  outputs_validate     dump, log, replay, import, help, map, diff, whois (those that
                       exist) and JSON errors, over synthetic captures and the real
                       Linux logs, validate
  own_kernel KERNEL    capture -j of our kernel under QEMU, then every command on it
Needs python3-jsonschema (scripts/deps): without it the test fails, it never skips.

Seen failing with the code broken on purpose: dump's "dropped" written with
json_hex ("dropped: '0x0' is not of type 'integer'"); an extra key in every log
event ("Additional properties are not allowed ('extra' was unexpected)"); map -j
before its envelope ("schema_version None"); the diff/map/whois commands before
their schemas existed ("command diff has no docs/schema/diff.schema.json").
"""
import argparse
import copy
import json
import os
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("FAIL: python3-jsonschema is not installed (scripts/deps installs it)")

A = None
SCHEMAS = {}


def die(msg):
    sys.exit("FAIL: " + msg)


def run(args, code=None):
    p = subprocess.run([A.cli] + args, capture_output=True, text=True, timeout=600)
    if code is not None and p.returncode != code:
        die("%s: exit %d, expected %d: %s%s" % (" ".join(args), p.returncode, code,
                                                p.stdout[-400:], p.stderr[-400:]))
    return p


def load_schemas():
    for name in sorted(os.listdir(A.schemas)):
        if name.endswith(".schema.json"):
            with open(os.path.join(A.schemas, name)) as f:
                SCHEMAS[name[:-len(".schema.json")]] = json.load(f)
    if not SCHEMAS:
        die("no schemas in %s" % A.schemas)


def problems(doc, schema):
    v = jsonschema.Draft202012Validator(schema)
    return ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(top)", e.message)
            for e in v.iter_errors(doc)]


def validate(doc, what, cmd=None):
    cmd = cmd or doc.get("command")
    if "error" in doc:
        cmd = "error"
    if cmd not in SCHEMAS:
        die("%s: no schema for command %r" % (what, cmd))
    bad = problems(doc, SCHEMAS[cmd])
    if bad:
        die("%s does not validate against %s.schema.json:\n  %s"
            % (what, cmd, "\n  ".join(bad[:10])))


def check_cmd(args, code=0, cmd=None):
    """Run memblock-cli -j ARGS, parse stdout as one JSON document, validate it."""
    p = run(args[:1] + ["-j"] + args[1:], code)
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        die("%s -j: stdout is not JSON (%s): %r" % (" ".join(args), e, p.stdout[:200]))
    if doc.get("schema_version") != 1:
        die("%s -j: schema_version %r" % (" ".join(args), doc.get("schema_version")))
    validate(doc, " ".join(args) + " -j", cmd)
    return doc


def walk_objects(node, path=""):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from walk_objects(v, path + "/" + k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_objects(v, path + "/" + str(i))


def schemas_are_strict():
    for name, s in SCHEMAS.items():
        jsonschema.Draft202012Validator.check_schema(s)
        if s.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            die("%s: $schema is %r" % (name, s.get("$schema")))
        if not str(s.get("$id", "")).endswith(":1"):
            die("%s: $id %r does not carry the schema version" % (name, s.get("$id")))
        # Every object the schema defines is closed.
        for path, o in walk_objects(s):
            if o.get("type") == "object" and o.get("additionalProperties") is not False:
                die("%s%s: an object without additionalProperties: false" % (name, path))
        if name != "error" and s["properties"].get("command") != {"const": name}:
            die("%s: the command field is not const %r" % (name, name))
    # Shared definitions: one text for one name across files.
    seen = {}
    for name, s in SCHEMAS.items():
        for d, body in s.get("$defs", {}).items():
            if d in seen and seen[d][1] != body:
                die("$defs/%s differs between %s and %s" % (d, seen[d][0], name))
            seen.setdefault(d, (name, body))
    # Documents broken on purpose are refused.
    synth = os.path.join(A.data, "cli", "synth.cap")
    dump = check_cmd(["dump", synth])
    log = check_cmd(["log", synth])
    helpd = check_cmd(["help"])
    breaks = [
        ("dump", dump, lambda d: d.__setitem__("total_events", "400"), "a count as a string"),
        ("dump", dump, lambda d: d["arrays"]["memory"]["regions"][0].__setitem__("base", 4096),
         "an address as a number"),
        ("dump", dump, lambda d: d["arrays"]["memory"].__setitem__("total_size", "0XFF"),
         "a size in upper case"),
        ("dump", dump, lambda d: d["arrays"]["memory"]["regions"][0].__setitem__("flags", "NONE"),
         "flags as one string"),
        ("dump", dump, lambda d: d.__setitem__("state", "done"), "an unknown state name"),
        ("dump", dump, lambda d: d.__setitem__("log_dropped", 0), "an extra field"),
        ("dump", dump, lambda d: d["arrays"]["reserved"]["regions"][0].__setitem__("owner", "x"),
         "an extra field in a region"),
        ("dump", dump, lambda d: d.pop("dropped"), "a missing field"),
        ("dump", dump, lambda d: d.__setitem__("schema_version", 2), "another schema version"),
        ("log", log, lambda d: d["events"][0].__setitem__("caller", "setup_arch+0x10"),
         "a caller as preformatted text"),
        ("log", log, lambda d: d["events"][0]["caller"].__setitem__("offset", 16),
         "an offset as a number"),
        ("log", log, lambda d: d["events"][0].__setitem__("flags", "0x0"), "flags as a number"),
        ("help", helpd, lambda d: d["commands"].append({"name": "x"}), "a command without summary"),
    ]
    for cmd, doc, brk, what in breaks:
        bad = copy.deepcopy(doc)
        brk(bad)
        if not problems(bad, SCHEMAS[cmd]):
            die("%s.schema.json accepts %s" % (cmd, what))
    print("%d schemas strict; %d broken documents refused" % (len(SCHEMAS), len(breaks)))


def outputs_validate():
    d = os.path.join(A.data, "cli")
    caps = [os.path.join(d, n) for n in ("synth.cap", "synth-v1.cap", "synth-dropped.cap")]
    ld = os.path.join(A.data, "linux")
    logs = sorted(os.path.join(ld, n) for n in os.listdir(ld) if n.endswith(".log"))
    if len(logs) < 2:
        die("fewer than two Linux logs in %s" % ld)
    # A capture made now, with a big initial state and dropped events.
    made = os.path.join(A.work, "made.cap")
    subprocess.run([A.mkcap, "-n", "1000", "-d", "17", "-o", made], check=True)
    caps.append(made)
    cmds = {c["name"] for c in check_cmd(["help"])["commands"]}
    # Every command with -j has a schema (the shell has no -j).
    for c in sorted(cmds - {"shell"}):
        if c not in SCHEMAS:
            die("command %s has no docs/schema/%s.schema.json" % (c, c))
    n = 1
    inputs = caps + logs
    for src in inputs:
        check_cmd(["dump", src])
        check_cmd(["dump", "--initial", src])
        check_cmd(["dump", "--at", "1", src])
        check_cmd(["log", src])
        check_cmd(["replay", src])
        check_cmd(["replay", "--verify", src], code=None)
        check_cmd(["replay", "--verify", "-q", "--to", "2", src], code=None)
        n += 7
        if "map" in cmds:
            check_cmd(["map", src])
            n += 1
        if "whois" in cmds:
            check_cmd(["whois", "0x1000", src], code=None)
            n += 1
    if "diff" in cmds:
        for a, b in ((logs[0], logs[1]), (caps[0], caps[2]), (caps[0], caps[0])):
            check_cmd(["diff", a, b], code=None)
            n += 1
    for log in logs:
        check_cmd(["import", log, "-o", os.path.join(A.work, "imp.cap")])
        n += 1
    if "map" in cmds:
        for fmt in ("svg", "csv"):
            doc = check_cmd(["map", "--format", fmt, "-o", os.path.join(A.work, "m." + fmt),
                             caps[0]])
            if doc.get("format") != fmt:
                die("map -o -j: %r" % doc)
            n += 1
    replay = check_cmd(["replay", "--expect", logs[0], "-q", logs[1]], code=None)
    if "coverage_match" not in replay:
        die("replay --expect -j has no coverage_match")
    # Failures are error documents.
    for args, code in ((["dump", os.path.join(A.work, "missing.cap")], 1),
                       (["dump", "--at", "x", caps[0]], 2),
                       (["log", A.work], 1),
                       (["replay", "--to", "99999999", caps[0]], None)):
        p = run(args[:1] + ["-j"] + args[1:], code)
        doc = json.loads(p.stdout)
        if p.returncode and "error" not in doc:
            die("%s -j failed (%d) without an error document" % (args, p.returncode))
        validate(doc, " ".join(args) + " -j")
        if p.returncode and doc["exit"] != p.returncode:
            die("%s -j: error document says exit %d, the process %d"
                % (args, doc["exit"], p.returncode))
        n += 1
    print("%d documents from %d inputs validate (jsonschema %s)"
          % (n, len(inputs), jsonschema_version()))


def jsonschema_version():
    try:
        from importlib.metadata import version
        return version("jsonschema")
    except Exception:
        return "?"


def own_kernel(kernel):
    cap = os.path.join(A.work, "own.cap")
    doc = check_cmd(["capture", "-k", kernel, "-o", cap])
    if doc["boot_state"] != "done" or not doc["total_events"]:
        die("capture -j of our kernel: %r" % doc)
    for args in (["dump", cap], ["log", cap], ["replay", "--verify", cap], ["map", cap],
                 ["diff", cap, cap], ["whois", "0x1000", cap]):
        if args[0] in SCHEMAS:
            check_cmd(args, code=None)
    print("capture, dump, log, replay%s of our kernel validate"
          % "".join(", " + c for c in ("map", "diff", "whois") if c in SCHEMAS))


def main():
    global A
    ap = argparse.ArgumentParser()
    for o in ("--cli", "--mkcap", "--data", "--schemas", "--work"):
        ap.add_argument(o, required=True)
    ap.add_argument("case")
    ap.add_argument("arg", nargs="?")
    A = ap.parse_args()
    os.makedirs(A.work, exist_ok=True)
    load_schemas()
    if A.case == "schemas_are_strict":
        schemas_are_strict()
    elif A.case == "outputs_validate":
        outputs_validate()
    elif A.case == "own_kernel":
        own_kernel(A.arg)
    else:
        die("unknown case " + A.case)


if __name__ == "__main__":
    main()
