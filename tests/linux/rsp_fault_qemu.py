#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# rsp_fault_qemu.py - a QEMU for `capture --qemu` that runs the real one behind a fault-injecting gdbstub proxy.
"""Stand in for qemu-system-x86_64 (capture --linux --qemu THIS).

The agent starts QEMU with `-chardev socket,id=mbgdb,path=P,...`. This
script moves QEMU's gdbstub to a socket of its own, listens on P itself,
and relays the RSP stream between the agent and the real QEMU (the
process keeps its pid: the script execs QEMU after forking the proxy).
What it changes is set by the environment:

  MB_FAULT_DIR     directory for the real gdbstub and QMP sockets (required)
  MB_FAULT_QEMU    the real QEMU (default: $MB_QEMU, else qemu-system-x86_64)
  MB_FAULT_REFUSE  a Z0 to refuse: a hex address, "#N" for the Nth Z0 packet,
                   or "ret" for the first Z0 sent after the first continue
                   (a return breakpoint)
  MB_FAULT_REPLY   the answer to that Z0: "E22" (default) or "empty"
                   (the reply of a stub without software breakpoints)
  MB_FAULT_CRASH_AFTER N
                   after the Nth stop reply, just before the agent's next
                   continue reaches QEMU, set the guest's rsp to a
                   non-canonical address: its next push faults, the fault
                   cannot be delivered on that stack either, and the CPU
                   triple-faults, which resets the machine (under the
                   launcher's -no-reboot, QEMU turns that reset into a
                   shutdown, which -action shutdown=pause makes a pause)
  MB_FAULT_REBOOT  "1": add `-action reboot=reset`, so that a reset reboots
                   the guest (a second boot) instead of ending in a pause

The refused Z0 reaches QEMU as the matching z0 (removing a breakpoint
that was never set), whose reply is replaced: every agent packet still
gets exactly one reply, in order, even when packets are pipelined.
"""
import os
import selectors
import socket
import sys
import time


def log(msg):
    sys.stderr.write("rsp_fault_qemu: %s\n" % msg)
    sys.stderr.flush()


def checksum(payload):
    return sum(payload) & 0xFF


def frame(payload):
    return b"$" + payload + b"#%02x" % checksum(payload)


class Stream:
    """Split an RSP byte stream into acks, interrupts and packets."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while self.buf:
            c = self.buf[:1]
            if c != b"$":
                out.append(("raw", c))
                self.buf = self.buf[1:]
                continue
            end = self.buf.find(b"#")
            if end < 0 or len(self.buf) < end + 3:
                break
            out.append(("pkt", self.buf[1:end]))
            self.buf = self.buf[end + 3:]
        return out


def connect_unix(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.02)


def request(qemu, payload):
    """Send one packet of our own while nothing else is outstanding; ack its reply."""
    qemu.sendall(frame(payload))
    s = Stream()
    while True:
        data = qemu.recv(65536)
        if not data:
            raise OSError("QEMU closed the gdbstub")
        for kind, item in s.feed(data):
            if kind == "pkt":
                qemu.sendall(b"+")
                return item


def crash(qemu):
    """rsp (register 7 of 'g') = 0x8000000000000000, through G (QEMU takes P only with XML)."""
    regs = request(qemu, b"g")
    if len(regs) < 16 * 8 or b"*" in regs:
        raise OSError("unexpected register reply %r" % regs[:40])
    regs = regs[:7 * 16] + b"0000000000000080" + regs[8 * 16:]
    log("rsp set to a non-canonical address: '%s'" % request(qemu, b"G" + regs).decode())


def proxy(listen_path, real_path):
    refuse = os.environ.get("MB_FAULT_REFUSE", "").lower()
    reply = os.environ.get("MB_FAULT_REPLY", "E22")
    reply = b"" if reply == "empty" else reply.encode()
    crash_after = int(os.environ.get("MB_FAULT_CRASH_AFTER", "0"))
    lsock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsock.bind(listen_path)
    lsock.listen(1)
    lsock.settimeout(60)
    agent, _ = lsock.accept()
    lsock.close()
    qemu = connect_unix(real_path, time.time() + 30)
    pending = []  # per relayed agent packet: None, or the reply to send instead
    continued = False
    refused = False
    nz = 0
    stops = 0
    crash_armed = False
    held = []  # agent packets held back until the crash is injected
    sa, sq = Stream(), Stream()
    sel = selectors.DefaultSelector()
    sel.register(agent, selectors.EVENT_READ, "agent")
    sel.register(qemu, selectors.EVENT_READ, "qemu")
    deadline = time.time() + 1800

    def flush_held():
        # The crash goes in once every earlier packet has had its reply.
        nonlocal crash_armed
        if not held or pending:
            return
        crash(qemu)
        crash_armed = False
        out = b""
        for sub, item in held:
            pending.append(sub)
            out += frame(item)
        held.clear()
        qemu.sendall(out)

    while time.time() < deadline:
        for key, _ in sel.select(timeout=1):
            data = key.fileobj.recv(65536)
            if not data:
                return
            if key.data == "agent":
                out = b""
                for kind, item in sa.feed(data):
                    if kind == "raw":
                        out += item
                        continue
                    sub = None
                    if item.startswith(b"Z0,") and not refused:
                        nz += 1
                        addr = int(item.split(b",")[1], 16)
                        if (refuse == "ret" and continued) or \
                                (refuse.startswith("#") and nz == int(refuse[1:])) or \
                                (refuse.startswith("0x") and addr == int(refuse, 16)):
                            refused = True
                            sub = reply
                            log("refusing %s with '%s'" % (item.decode(), reply.decode()))
                            item = b"z" + item[1:]
                    if item[:1] == b"c" or item.startswith(b"vCont;c"):
                        continued = True
                    if held or (crash_armed and (item[:1] == b"c" or
                                                 item.startswith(b"vCont;c"))):
                        held.append((sub, item))
                        continue
                    pending.append(sub)
                    out += frame(item)
                qemu.sendall(out)
                flush_held()
            else:
                out = b""
                for kind, item in sq.feed(data):
                    if kind == "raw":
                        out += item
                        continue
                    sub = pending.pop(0) if pending else None
                    if item[:1] in (b"T", b"S"):
                        stops += 1
                        if crash_after and stops == crash_after:
                            crash_armed = True
                    out += frame(item if sub is None else sub)
                agent.sendall(out)
                flush_held()


def main():
    argv = sys.argv[1:]
    fdir = os.environ["MB_FAULT_DIR"]
    real = os.path.join(fdir, "real-gdb.sock")
    listen = None
    for i, a in enumerate(argv):
        if a.startswith("socket,id=mbgdb,path="):
            listen = a.split("path=", 1)[1].split(",", 1)[0]
            argv[i] = "socket,id=mbgdb,path=%s,server=on,wait=off" % real
    if listen is None:
        log("no -chardev socket,id=mbgdb in the arguments")
        return 2
    if len(real.encode()) >= 108:
        log("%s: too long for a unix socket path (MB_FAULT_DIR)" % real)
        return 2
    if os.path.exists(real):
        os.unlink(real)
    if os.environ.get("MB_FAULT_REBOOT") == "1":
        argv += ["-action", "reboot=reset"]
    pid = os.fork()
    if pid == 0:
        try:
            proxy(listen, real)
        except Exception as e:  # the capture sees the closed socket
            log("proxy: %r" % e)
        os._exit(0)
    qemu = os.environ.get("MB_FAULT_QEMU") or os.environ.get("MB_QEMU") or "qemu-system-x86_64"
    os.execvp(qemu, [qemu] + argv)
    return 127


if __name__ == "__main__":
    sys.exit(main())
