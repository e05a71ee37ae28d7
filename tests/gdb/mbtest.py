# SPDX-License-Identifier: GPL-2.0-only
"""mbtest.py - helpers for gdb scenarios run inside gdb -batch (run_gdb_test.py).

Boots QEMU with a unix-socket gdbstub in the test's private directory,
drives gdb, compares outputs, and ends gdb with a PASS marker or a FAIL
message.  Every QEMU started here is killed on the way out.
"""

import os
import subprocess
import sys
import threading
import time
import traceback

import gdb

TMP = os.environ['MBT_TMP']
LOADER = os.environ['MBT_LOADER']
QEMU = os.environ.get('MBT_QEMU', '')
KERNEL = os.environ.get('MBT_KERNEL', '')
CLI = os.environ.get('MBT_CLI', '')
HOST_TARGET = os.environ.get('MBT_HOST_TARGET', '')
ARG = os.environ.get('MBT_ARG', '')

_qemus = []
_stops = []
_last_stop = [None]
_counter = [0]


def log(msg):
    sys.stdout.write(msg + '\n')
    sys.stdout.flush()


def _kill_all():
    for q in _qemus:
        if q.proc.poll() is None:
            q.proc.kill()
            q.proc.wait()


def fail(msg):
    log('FAIL: ' + msg)
    _kill_all()
    os._exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def check_equal(got, want, what):
    if got != want:
        import difflib
        diff = '\n'.join(difflib.unified_diff(want.splitlines(), got.splitlines(),
                                              'expected', 'got', lineterm='', n=2))
        fail('%s differs:\n%s' % (what, diff))


def passed():
    _kill_all()
    with open(os.path.join(TMP, 'PASS'), 'w') as f:
        f.write('ok\n')
    sys.stdout.flush()
    os._exit(0)


def run(fn):
    """Run a scenario function; any exception is a failure."""
    try:
        fn()
    except SystemExit:
        raise
    except BaseException:
        fail('exception:\n' + traceback.format_exc())
    passed()


def load_scripts():
    out = gdb.execute('source ' + LOADER, to_string=True)
    check('mb-dump' in out, 'loader did not announce the commands: %r' % out)
    gdb.events.stop.connect(_on_stop)


def _on_stop(event):
    _last_stop[0] = event


def ex(cmd):
    """Run a gdb command and return its output."""
    return gdb.execute(cmd, to_string=True)


def expect_error(cmd, message):
    """The command must fail with exactly @message."""
    try:
        out = gdb.execute(cmd, to_string=True)
    except gdb.error as e:
        check(str(e) == message, '%s: error %r, expected %r' % (cmd, str(e), message))
        return
    fail('%s did not fail (output %r), expected %r' % (cmd, out, message))


class Qemu:
    """One QEMU booting the test kernel, halted at reset (-S), gdbstub on a socket."""

    def __init__(self, kernel=None, mem='256M', extra=()):
        check(QEMU and os.path.exists(QEMU) or QEMU and '/' not in QEMU,
              'qemu-system-x86_64 not found (%r)' % QEMU)
        kernel = kernel or KERNEL
        check(kernel and os.path.exists(kernel), 'kernel not found: %r' % kernel)
        _counter[0] += 1
        n = _counter[0]
        self.sock = os.path.join(TMP, 'gdb%d.sock' % n)
        self.kernel = kernel
        self.console = os.path.join(TMP, 'com1-%d.log' % n)
        cmd = [QEMU, '-kernel', kernel, '-nic', 'none', '-m', mem, '-display', 'none',
               '-no-reboot', '-monitor', 'none', '-serial', 'file:' + self.console,
               '-S', '-gdb', 'unix:%s,server=on,wait=off' % self.sock] + list(extra)
        self.cmd = cmd
        self.out = open(os.path.join(TMP, 'qemu-%d.log' % n), 'w')
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT)
        with open(os.path.join(TMP, 'qemu.pids'), 'a') as f:
            f.write('%d\n' % self.proc.pid)
        _qemus.append(self)
        for _ in range(200):
            if os.path.exists(self.sock) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        check(self.proc.poll() is None and os.path.exists(self.sock),
              'QEMU did not start: %s' % ' '.join(cmd))
        self.connected = False

    def connect(self, load_symbols=True):
        if load_symbols:
            ex('file ' + self.kernel)
        # QEMU creates the socket file (bind) a moment before it listens.
        for attempt in range(100):
            try:
                ex('target remote ' + self.sock)
                break
            except gdb.error as e:
                if 'Connection refused' not in str(e) or attempt == 99:
                    raise
                time.sleep(0.05)
        self.connected = True

    def disconnect(self):
        """Detach gdb; QEMU keeps running (the gdbstub resumes the guest)."""
        if self.connected:
            ex('detach')
            self.connected = False

    def kill(self):
        """End this QEMU (through gdb if attached, else by its pid)."""
        if self.connected:
            self.connected = False
            try:
                gdb.execute('kill', to_string=True)
            except gdb.error:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.out.closed:
            self.out.close()


def cont(timeout=120):
    """continue until the next breakpoint stop; returns the stop event."""
    return cont_output(timeout)[0]


def cont_output(timeout=120):
    """continue until the next stop; a watchdog interrupts a stuck target.
    Returns (stop event, output printed meanwhile)."""
    done = threading.Event()

    def watchdog():
        if not done.wait(timeout):
            os.kill(os.getpid(), 2)     # SIGINT: gdb interrupts the target
    t = threading.Thread(target=watchdog, daemon=True)
    t.start()
    _last_stop[0] = None
    try:
        out = gdb.execute('continue', to_string=True)
    finally:
        done.set()
    ev = _last_stop[0]
    check(isinstance(ev, gdb.BreakpointEvent),
          'target stopped without a breakpoint (%r): timed out or crashed?\n%s' % (ev, out))
    return ev, out


def cont_output_run():
    """Start the host target program ("run") up to its first breakpoint."""
    _last_stop[0] = None
    out = gdb.execute('run', to_string=True)
    ev = _last_stop[0]
    check(isinstance(ev, gdb.BreakpointEvent), 'run did not stop at a breakpoint:\n' + out)
    return ev, out


def finish():
    """Run to the end of the current function (quietly).

    The StopAt breakpoints are disabled meanwhile: QEMU's gdbstub sometimes
    reports the breakpoint we just stopped at a second time for the same call,
    and "finish" would end there, before the function has run."""
    live = [bp for bp in _stops if bp.is_valid() and bp.enabled]
    for bp in live:
        bp.enabled = False
    try:
        gdb.execute('finish', to_string=True)
    finally:
        for bp in live:
            if bp.is_valid():
                bp.enabled = True
    frame = gdb.selected_frame()
    check(frame.name() is None or not frame.name().startswith('mb_evlog_'),
          'finish did not leave %s' % frame.name())


def constants():
    from mbgdb import constants as C
    return C


def header():
    from mbgdb import target
    return target.read_header()[1]


def records():
    from mbgdb import target
    return target.read_log().records


class StopAt(gdb.Breakpoint):
    """Internal breakpoint on a function's first instruction with a predicate on %rdi."""

    def __init__(self, func, pred):
        super().__init__('*' + func, internal=True)
        self.pred = pred
        self.hits = 0
        _stops.append(self)

    def stop(self):
        rdi = int(gdb.selected_frame().read_register('rdi'))
        if self.pred(rdi):
            self.hits += 1
            return True
        return False


def clear_stops():
    """Delete every StopAt breakpoint (internal ones: "delete" leaves them)."""
    for bp in _stops:
        if bp.is_valid():
            bp.delete()
    _stops[:] = []


def stop_at_done():
    """Breakpoint where the log's boot state becomes DONE."""
    C = constants()
    return StopAt('mb_evlog_set_state', lambda v: v == C.BOOT_STATE['DONE'])


def stop_at_record(pred):
    """Breakpoint at mb_evlog_append when pred(record, index) is true."""
    C = constants()
    from mbgdb import target

    def p(rdi):
        r = C.decode_record(target.read(rdi, C.RECORD_SIZE))
        return pred(r, target.read_header()[1].written)
    return StopAt('mb_evlog_append', p)


def direct_dump(nid=True):
    """memblock_dump_all text built from gdb's own expression evaluator.

    Independent of mbgdb's reader (which reads raw bytes with DWARF offsets):
    every field comes from gdb.parse_and_eval on the live struct."""
    lines = ['MEMBLOCK configuration:']
    mb = gdb.parse_and_eval('memblock')
    lines.append(' memory size = 0x%016x reserved size = 0x%016x'
                 % (int(mb['memory']['total_size']), int(mb['reserved']['total_size'])))
    for name in ('memory', 'reserved'):
        t = mb[name]
        cnt = int(t['cnt'])
        lines.append(' %s.cnt  = %#x' % (name, cnt))
        for i in range(cnt):
            r = t['regions'][i]
            base, size = int(r['base']), int(r['size'])
            n = int(r['nid']) if nid else -1
            node = ' on node %d' % n if 0 <= n < 1024 else ''
            lines.append(' %s[%#x]\t[0x%016x-0x%016x], 0x%016x bytes%s flags: %#x'
                         % (name, i, base, (base + size - 1) & (2**64 - 1), size, node,
                            int(r['flags'])))
    return '\n'.join(lines) + '\n'


def cli(*args):
    """Run memblock-cli; returns (status, stdout, stderr)."""
    check(CLI and os.path.exists(CLI), 'memblock-cli not found: %r' % CLI)
    p = subprocess.run([CLI] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def have_cli():
    return bool(CLI) and os.path.exists(CLI)


def read_capture(path):
    """Read a capture file with the memblock Python module (memblock-cli's C
    reader: magic, checksums, bounds).

    Returns a dict: info, meta, syms, states ("initial"/"final" -> [state]),
    events (dicts with the caller's symbol name resolved)."""
    import memblock
    try:
        cap = memblock.open(path)
    except memblock.CaptureError as e:
        check(False, '%s: %s' % (path, e))
    out = {'info': {'source': cap.source, 'boot_state': cap._c.boot_state,
                    'capacity': cap.log['capacity'], 'written': cap.log['written'],
                    'dropped': cap.log['dropped'], 'build_id': cap.build_id},
           'meta': dict(cap.meta), 'syms': cap.syms, 'states': {}, 'events': []}

    def state(st):
        def arr(a):
            return {'cnt': a.cnt, 'max': a.max, 'total_size': a.total_size,
                    'regions': [tuple(r) for r in a.regions]}
        return {'valid': st.valid, 'bottom_up': st.bottom_up, 'at': 0,
                'current_limit': st.current_limit, 'memory': arr(st.memory),
                'reserved': arr(st.reserved)}
    out['states']['initial'] = [state(cap.initial)]
    out['states']['final'] = [state(cap.final)]
    for ev in cap.events:
        d = ev._asdict()
        d.pop('index')
        out['events'].append(d)
    cap.close()
    return out
