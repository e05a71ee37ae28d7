#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# doc_examples.py - run every memblock-cli example command shown in README.md and docs/*.md.
#
# An example is a line of a code block (four-space indent or a ``` fence) that
# runs memblock-cli. Each one runs through sh in a scratch folder that holds
# the files the docs name (boot.cap, base.cap, ...): real captures of our
# kernel made here under QEMU, and the real Linux logs in tests/data/linux.
# Examples that need what this machine cannot give a test (a vmlinuz the
# reader downloads, a QEMU they started by hand) are listed in NOT_RUN with
# the reason; they are printed as skipped, and one that no document shows any
# more fails the test, so the list cannot rot either.
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

# Example text (after folding "\" continuations and collapsing blanks) -> why
# it is not run here. Keep this short: every entry is a documented command
# nobody checks.
NOT_RUN = {
    "memblock-cli capture --attach tcp:127.0.0.1:1234 --elf build/kernel/kernel.elf -o live.cap":
        "attaches to a QEMU the reader started with -s -S",
    "memblock-cli log --stack t612.cap":
        "reads a traced Debian capture (docs/linux.md); linux_trace_* tests check it",
    "memblock-cli replay --verify t612.cap":
        "reads a traced Debian capture (docs/linux.md); linux_trace_*_replay checks it",
    "memblock-cli diff --no-events --group chain -n 6 t61.cap t612.cap":
        "reads two traced Debian captures (docs/linux.md); cli.group_diff runs it on "
        "tests/data/chains and compares the output with the docs",
}

# Commands whose example needs a stock Debian kernel image: run by the linux
# label (--linux-deb), reported as skipped otherwise.
LINUX_IMAGE = re.compile(r"--linux\s+(\S+)")


def examples(paths):
    """Yield (file, line number, command) for each example command."""
    for path in paths:
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        fence = False
        i = 0
        while i < len(lines):
            raw = lines[i]
            no = i + 1
            i += 1
            if raw.lstrip().startswith("```"):
                fence = not fence
                continue
            if not fence and not raw.startswith("    "):
                continue
            text = raw.strip()
            if text.startswith("$ "):
                text = text[2:]
            while text.endswith("\\") and i < len(lines):
                text = text[:-1].rstrip() + " " + lines[i].strip()
                i += 1
            if not re.search(r"(^|[|;&]\s*|/)memblock-cli\s", text):
                continue
            if text.startswith("#") or text.startswith("|"):
                continue
            # strip a trailing shell comment ("cmd   # what it shows")
            text = re.sub(r"\s+#\s.*$", "", text)
            # a synopsis ("map [-j] [--format text|svg|html]"), not an example
            if re.search(r"\[[-A-Z]", text):
                continue
            yield path, no, " ".join(text.split())


def sh(cmd, cwd, env, timeout=300):
    return subprocess.run(["sh", "-c", cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, errors="replace", timeout=timeout)


def prepare(args, work):
    """Fill the scratch folder with every file the documented examples name."""
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(os.path.join(work, "bin"))
    os.makedirs(os.path.join(work, "build", "cli"))
    os.makedirs(os.path.join(work, "build", "demo"))
    os.makedirs(os.path.join(work, "build", "kernel"))
    os.symlink(args.cli, os.path.join(work, "bin", "memblock-cli"))
    os.symlink(args.cli, os.path.join(work, "build", "cli", "memblock-cli"))
    kdir = os.path.dirname(args.kernel)
    for k in glob.glob(os.path.join(kdir, "*.elf")):
        os.symlink(k, os.path.join(work, "build", "kernel", os.path.basename(k)))
    os.symlink(os.path.join(args.source, "tests"), os.path.join(work, "tests"))
    os.symlink(os.path.join(args.source, "gdb-scripts"), os.path.join(work, "gdb-scripts"))
    env = dict(os.environ)
    env["PATH"] = os.path.join(work, "bin") + os.pathsep + env.get("PATH", "")

    def capture(out, *extra):
        p = subprocess.run([args.cli, "capture", "-m", "256M", "-o", out] + list(extra),
                           cwd=work, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            sys.exit("FAIL: preparing %s: %s" % (out, p.stderr.strip()))

    capture("boot.cap")
    capture("new.cap", "-k", os.path.join(kdir, "kernel-doubling.elf"))
    shutil.copy(os.path.join(work, "boot.cap"), os.path.join(work, "base.cap"))
    shutil.copy(os.path.join(work, "new.cap"), os.path.join(work, "other.cap"))
    for name in ("default.cap", "doubling.cap"):
        src = "boot.cap" if name == "default.cap" else "new.cap"
        shutil.copy(os.path.join(work, src), os.path.join(work, "build", "demo", name))
    data = os.path.join(args.source, "tests", "data", "linux")
    for v in ("6.1", "6.12"):
        log = os.path.join(data, "%s-cloud-m512.log" % v)
        shutil.copy(log, os.path.join(work, "linux-%s.log" % v))
        shutil.copy(log, os.path.join(work, "%s.log" % v))
        shutil.copy(os.path.join(data, "%s-cloud-m512.final.txt" % v),
                    os.path.join(work, "%s.final.txt" % v))
        p = subprocess.run([args.cli, "import", log, "-o", "linux-%s.cap" % v], cwd=work,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            sys.exit("FAIL: importing %s: %s" % (log, p.stderr.strip()))
    shutil.copy(os.path.join(data, "6.1-cloud-m512.log"), os.path.join(work, "dmesg.txt"))
    return env


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--linux-deb", action="append", default=[],
                    help="VERSION=PATH of a Debian kernel .deb: run --linux examples")
    args = ap.parse_args()

    docs = [os.path.join(args.source, "README.md")] + sorted(
        glob.glob(os.path.join(args.source, "docs", "*.md")))
    found = list(examples(docs))
    if len(found) < 20:
        sys.exit("FAIL: only %d examples found in the docs: the extractor is broken" % len(found))

    env = prepare(args, args.work)
    debs = dict(x.split("=", 1) for x in args.linux_deb)
    failed, ran, skipped = [], 0, []
    shown = set()
    unmade = set()  # outputs of examples that were not run
    for path, no, cmd in found:
        where = "%s:%d" % (os.path.relpath(path, args.source), no)
        shown.add(cmd)
        out = re.search(r"-o\s+(\S+)", cmd)
        needs = [w for w in cmd.split() if w in unmade]
        why = None
        if cmd in NOT_RUN:
            why = NOT_RUN[cmd]
        elif needs:
            why = "needs %s, made by an example not run here" % needs[0]
        m = LINUX_IMAGE.search(cmd)
        if m and not why:
            ver = "6.12" if "6.12" in m.group(1) else "6.1"
            if ver not in debs:
                why = "needs a Debian %s kernel: linux label" % ver
        if why:
            skipped.append("%s: %s (%s)" % (where, cmd, why))
            if out:
                unmade.add(out.group(1))
            continue
        if m:
            cmd = cmd.replace(m.group(1), debs[ver], 1)
        # "dmesg | memblock-cli ..." reads the kernel ring buffer of the host:
        # give it a real Linux boot log instead.
        cmd = re.sub(r"^dmesg\s*\|", "cat dmesg.txt |", cmd)
        p = sh(cmd, args.work, env)
        ran += 1
        if p.returncode != 0:
            err = (p.stderr.strip().splitlines() or ["(no stderr)"])[-1]
            failed.append("%s: %s\n    exit %d: %s" % (where, cmd, p.returncode, err))
    stale = [c for c in NOT_RUN if c not in shown]
    for s in skipped:
        print("skipped: " + s)
    for c in stale:
        failed.append("NOT_RUN lists an example no document shows any more: " + c)
    print("doc examples: %d found, %d ran, %d failed, %d skipped" %
          (len(found), ran, len(failed), len(skipped)))
    if failed:
        for f in failed:
            print("FAIL: " + f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
