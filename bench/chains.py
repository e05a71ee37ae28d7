#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# chains.py - what logging caller chains costs a capture of our kernel, per transport.
"""Usage: bench/chains.py --cli build/cli/memblock-cli --kernel build/kernel/kernel.elf
                          [--rounds 5] [--transports gdb,serial,ramfile]

For each transport, captures the test kernel booted with mb_evlog_nochains
(the baseline: no chain area, the log header of kernels before chains) and
booted with chains (an ignored parameter of the same length, so the command
line reservation is identical), alternating the two round by round, and
prints the median wall time of each and their ratio. The time is the whole
`memblock-cli capture`: QEMU start, boot, pull, write.
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

VARIANTS = (("no chains", "mb_evlog_nochains"), ("chains", "loglevel=12345678"))


def one(cli, kernel, transport, append, out):
    t0 = time.monotonic()
    subprocess.run([cli, "capture", "-k", kernel, "-t", transport, "--append", append,
                    "-o", out], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--transports", default="gdb,serial,ramfile")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "c.cap")
        print("| transport | no chains (median of %d) | chains | ratio | capture size no chains -> chains |"
              % a.rounds)
        print("|---|---|---|---|---|")
        for tr in a.transports.split(","):
            times = {name: [] for name, _ in VARIANTS}
            sizes = {}
            for r in range(a.rounds):
                order = VARIANTS if r % 2 == 0 else tuple(reversed(VARIANTS))
                for name, append in order:
                    times[name].append(one(a.cli, a.kernel, tr, append, out))
                    sizes[name] = os.path.getsize(out)
            base = statistics.median(times["no chains"])
            with_ch = statistics.median(times["chains"])
            print("| %s | %.2f s | %.2f s | %.2fx | %d -> %d bytes |"
                  % (tr, base, with_ch, with_ch / base, sizes["no chains"], sizes["chains"]))


if __name__ == "__main__":
    main()
