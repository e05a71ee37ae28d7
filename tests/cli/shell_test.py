#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# shell_test.py - scenario tests of `memblock-cli shell` (piped stdin and a pty); one per run.
"""Usage: shell_test.py --cli BIN --gencap BIN --work DIR SCENARIO"""
import argparse
import json
import os
import pty
import select
import subprocess
import sys
import time

ARGS = None
HISTORY = None


def fail(msg):
    sys.stderr.write("FAIL: %s\n" % msg)
    sys.exit(1)


def small_capture():
    os.makedirs(ARGS.work, exist_ok=True)
    path = os.path.join(ARGS.work, "small.cap")
    if not os.path.exists(path):
        tmp = "%s.%d" % (path, os.getpid())
        subprocess.run([ARGS.gencap, "small", tmp], check=True)
        os.replace(tmp, path)
    return path


def env():
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.pop("COLUMNS", None)
    e["MEMBLOCK_CLI_HISTORY"] = HISTORY
    return e


def shell(script, args=()):
    return subprocess.run([ARGS.cli, "shell"] + list(args), input=script.encode(),
                          capture_output=True, env=env(), timeout=60)


def argv_mode(args):
    return subprocess.run([ARGS.cli] + args, capture_output=True, env=env(), timeout=60)


def t_piped_matches_argv_mode():
    """Each table command gives the same bytes in the shell as in argv mode."""
    cap = small_capture()
    for cmd in (["dump"], ["dump", "-j"], ["log"], ["log", "-j", "--caller", "s*"],
                ["map", "--width", "90"], ["map", "-j", "--at", "4"],
                ["map", "--format", "svg", "--width", "700"], ["replay", "--to", "5"],
                ["map", "-jw", "50", "--at=3"], ["map", "-fsvg", "-w", "500"]):
        want = argv_mode(cmd + [cap])
        want.stdout = want.stdout.replace(cap.encode(), b"@a")  # the shell names it @a
        got = shell(" ".join(cmd) + "\n", [cap])
        if got.stdout != want.stdout or got.returncode != want.returncode:
            fail("%s: shell output differs from argv mode (rc %d vs %d)\n--- shell\n%s\n"
                 "--- argv\n%s" % (cmd, got.returncode, want.returncode,
                                   got.stdout.decode()[:800], want.stdout.decode()[:800]))
    doc = json.loads(shell("map -j\n", [cap]).stdout)
    if len(doc["reserved"]) != 7:
        fail("map -j in the shell: %d regions" % len(doc["reserved"]))


def t_piped_load_use_and_slots():
    cap = small_capture()
    script = ("info\nload %s\ninfo\nuse b\ndump\nload %s b\ninfo\nmap -j @a\n"
              "help map\nexit 0\n" % (cap, cap))
    p = shell(script)
    out = p.stdout.decode()
    err = p.stderr.decode().splitlines()
    if p.returncode != 0:
        fail("exit 0 gave %d" % p.returncode)
    if "@a: %s (9 events" % cap not in out or "@b: %s (9 events" % cap not in out:
        fail("load did not report the inputs:\n" + out)
    if "* @b  %s" % cap not in out:
        fail("info does not mark @b current after 'load FILE b':\n" + out)
    if err != ["Error: dump: no input loaded (load FILE)"]:
        fail("dump on an empty slot: %r" % err)
    if '"reserved": [' not in out and '"reserved":[' not in out:
        fail("map -j @a printed no JSON")
    if "Usage: memblock-cli map" not in out:
        fail("help map did not print the map help")


def t_piped_errors_and_status():
    cap = small_capture()
    p = shell("bogus\n")
    if p.returncode != 2 or p.stderr.decode().splitlines() != [
            "Error: unknown command 'bogus' (type help for the list)"]:
        fail("unknown command: rc %d %r" % (p.returncode, p.stderr))
    p = shell("dump 'unterminated\n")
    if p.returncode == 0 or not p.stderr.decode().startswith("Error: unterminated quote"):
        fail("unterminated quote: %r" % p.stderr)
    p = shell("map --bogus\nexit 7\n", [cap])
    if p.returncode != 7 or len(p.stderr.decode().splitlines()) != 1:
        fail("exit 7 after an error: rc %d %r" % (p.returncode, p.stderr))
    p = shell("dump\n", [cap])
    if p.returncode != 0:
        fail("EOF after a good command: rc %d" % p.returncode)
    p = shell("", [os.path.join(ARGS.work, "missing.cap")])
    if p.returncode == 0 or not p.stderr.decode().startswith("Error: ") or \
            len(p.stderr.decode().splitlines()) != 1:
        fail("missing input: rc %d %r" % (p.returncode, p.stderr))
    p = shell("", [cap, cap, cap])
    if p.returncode != 2:
        fail("three inputs accepted")
    p = shell("shell\n", [cap])
    if b"already in the shell" not in p.stderr:
        fail("nested shell not refused")


class Pty:
    def __init__(self, argv):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(argv[0], argv, dict(env(), TERM="dumb"))
        self.buf = b""

    def expect(self, what, timeout=30):
        """Read until @what shows up (fails the test on EOF or timeout)."""
        while what.encode() not in self.buf:
            r, _, _ = select.select([self.fd], [], [], timeout)
            if not r:
                fail("pty: %r not seen; got %r" % (what, self.buf[-600:]))
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                fail("pty: EOF before %r; got %r" % (what, self.buf[-600:]))
            self.buf += chunk
        i = self.buf.index(what.encode()) + len(what)
        seen, self.buf = self.buf[:i], self.buf[i:]
        return seen.decode(errors="replace")

    def send(self, s):
        os.write(self.fd, s.encode())

    def close(self):
        try:
            while os.read(self.fd, 4096):
                pass
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)


def t_pty_completes_command_and_caller():
    cap = small_capture()
    hist = HISTORY
    if os.path.exists(hist):
        os.unlink(hist)
    p = Pty([ARGS.cli, "shell", cap])
    p.expect("memblock(a:small.cap)> ")
    # a command name: "dum" + Tab completes to "dump "
    p.send("dum\t")
    p.expect("dump ")
    p.send("\n")
    p.expect("reserved.cnt  = 0x7")
    p.expect("> ")
    # a caller name from the loaded capture
    p.send("log --caller spar\t")
    p.expect("sparse_init ")
    p.send("\n")
    p.expect("sparse_init+0x1b3")
    p.expect("> ")
    # an option of the map command, then a format value
    p.send("map --form\t")
    p.expect("--format ")
    p.send("sv\t")
    p.expect("svg ")
    p.send("--width 400\n")
    p.expect("</svg>")
    p.expect("> ")
    # an event count of the loaded capture (9 events: only "1" starts with 1)
    p.send("map -j --at 1\t")
    p.expect("--at 1 ")
    p.send("\n")
    p.expect('"at_event": 1,')
    p.expect("> ")
    p.send("quit\n")
    rc = p.close()
    if rc != 0:
        fail("quit gave %d" % rc)
    lines = open(hist).read().splitlines()
    if "dump" not in lines or "log --caller sparse_init" not in lines:
        fail("history file %s lacks the commands: %r" % (hist, lines))
    os.unlink(hist)


def t_piped_exit_needs_a_status():
    """'exit abc' / 'exit 999' are errors: the shell reports them and stays."""
    cap = small_capture()
    for bad in ("abc", "999", "-1", "1 2"):
        p = shell("exit %s\ninfo\n" % bad, [cap])
        err = p.stderr.decode().splitlines()
        if len(err) != 1 or not err[0].startswith("Error: exit: "):
            fail("exit %s: %r" % (bad, err))
        if b"* @a" not in p.stdout:
            fail("exit %s ended the shell (rc %d)" % (bad, p.returncode))
    p = shell("exit abc\n", [cap])
    if p.returncode != 2:
        fail("exit abc as the last line: rc %d, expected 2" % p.returncode)
    p = shell("exit 0x10\n", [cap])
    if p.returncode != 16:
        fail("exit 0x10: rc %d" % p.returncode)


def t_pty_ctrl_c_drops_the_line():
    """Ctrl-C drops the line being typed; the next keystroke starts a new line
    (it used to complete the dropped line and run on its own)."""
    cap = small_capture()
    hist = HISTORY
    if os.path.exists(hist):
        os.unlink(hist)
    p = Pty([ARGS.cli, "shell", cap])
    p.expect("memblock(a:small.cap)> ")
    p.send("map --wid")
    p.expect("--wid")
    p.send("\x03")
    time.sleep(0.5)
    p.send("info\n")
    seen = p.expect("@b  (empty)", timeout=10)
    if "unknown command" in seen or "* @a" not in seen:
        fail("after Ctrl-C, 'info' did not run as typed: %r" % seen)
    p.send("\x03")
    p.expect("> ")
    p.send("quit\n")
    rc = p.close()
    if rc != 0:
        fail("quit gave %d" % rc)
    lines = open(hist).read().splitlines()
    if lines != ["info", "quit"]:
        fail("history after Ctrl-C: %r, expected ['info', 'quit']" % lines)
    os.unlink(hist)


def main():
    global ARGS, HISTORY
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--gencap", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("scenario")
    ARGS = ap.parse_args()
    fn = globals().get("t_" + ARGS.scenario)
    if not fn:
        fail("unknown scenario %s" % ARGS.scenario)
    os.makedirs(ARGS.work, exist_ok=True)
    HISTORY = os.path.join(ARGS.work, "history-%d" % os.getpid())
    fn()


if __name__ == "__main__":
    main()
