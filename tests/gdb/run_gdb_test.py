#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""run_gdb_test.py - run one gdb scenario (tests/gdb/scenario_*.py) in gdb -batch.

The scenario runs inside gdb's Python; it boots QEMU itself through
mbtest.py (a unix-socket gdbstub in a private temporary directory, so
parallel tests never collide).  This wrapper bounds the whole run with a
timeout, kills every QEMU the scenario started (by pid), and stays quiet on
success; on failure it prints gdb's output.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile


def kill_pids(tmp):
    path = os.path.join(tmp, 'qemu.pids')
    if not os.path.exists(path):
        return
    with open(path) as f:
        for line in f:
            try:
                os.kill(int(line), signal.SIGKILL)
            except (ValueError, ProcessLookupError, PermissionError):
                pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--gdb', required=True)
    ap.add_argument('--loader', required=True, help='<build>/gdb-scripts/memblock-gdb.py')
    ap.add_argument('--scenario', required=True)
    ap.add_argument('--qemu', default='')
    ap.add_argument('--kernel', default='')
    ap.add_argument('--cli', default='')
    ap.add_argument('--host-target', default='')
    ap.add_argument('--arg', default='', help='passed to the scenario as MBT_ARG')
    ap.add_argument('--timeout', type=int, default=240)
    ap.add_argument('--keep', action='store_true', help='keep the temporary directory')
    args = ap.parse_args()

    for what, path in (('gdb', args.gdb), ('loader', args.loader)):
        if not path or not os.path.exists(path):
            sys.exit('FAIL: %s not found: %r' % (what, path))
    tmp = tempfile.mkdtemp(prefix='mbgdb-')
    env = dict(os.environ)
    env.update({
        'MBT_TMP': tmp,
        'MBT_LOADER': os.path.abspath(args.loader),
        'MBT_QEMU': args.qemu,
        'MBT_KERNEL': args.kernel,
        'MBT_CLI': args.cli,
        'MBT_HOST_TARGET': args.host_target,
        'MBT_ARG': args.arg,
        'MBT_HELPERS': os.path.dirname(os.path.abspath(__file__)),
        'MEMBLOCK_CLI': args.cli or env.get('MEMBLOCK_CLI', ''),
    })
    cmd = [args.gdb, '-batch', '-nx', '-iex', 'set pagination off', '-iex', 'set confirm off',
           '-iex', 'set width 0', '-x', os.path.abspath(args.scenario)]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, cwd=tmp,
                            start_new_session=True)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    finally:
        kill_pids(tmp)
    text = out.decode('utf-8', 'replace')
    passed = os.path.exists(os.path.join(tmp, 'PASS')) and proc.returncode == 0
    if not passed:
        sys.stdout.write(text)
        for name in sorted(os.listdir(tmp)):
            if name.endswith('.log'):
                with open(os.path.join(tmp, name), errors='replace') as f:
                    tail = f.read()[-2000:]
                sys.stdout.write('--- %s (tail) ---\n%s\n' % (name, tail))
        if timed_out:
            sys.stdout.write('FAIL: timed out after %d s\n' % args.timeout)
        else:
            sys.stdout.write('FAIL: gdb exit status %s, scenario %s\n'
                             % (proc.returncode, 'passed' if passed else 'did not pass'))
    if not args.keep and passed:
        shutil.rmtree(tmp, ignore_errors=True)
    elif not passed:
        sys.stdout.write('(files kept in %s)\n' % tmp)
    sys.exit(0 if passed else 1)


if __name__ == '__main__':
    main()
