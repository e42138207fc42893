#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Latency rules and stalls of a vssd namespace, measured from the host side.

Usage: fault_latency.py NS_DIR BLOCKDEV [--remote]

NS_DIR is the namespace's configfs directory, BLOCKDEV the namespace as a
block device: its own (local) or as a host sees it over NVMe/TCP (--remote:
the namespace's counters then also count the host's retries and are not
compared).  The namespace uses the zero model, so that any time a read takes
beyond a few milliseconds is the rule's.  Each delayed read takes at least
the rule's time; the share of reads delayed follows the probability; a
rule of one kind leaves the others alone; a stall holds every command until
it ends.  Exits non-zero at the first mismatch.
"""
import errno
import mmap
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_ns import BS, FaultNs, Report  # noqa: E402

REPORT = Report("fault_latency")
fail = REPORT.fail
log = REPORT.log


class Ns(FaultNs):
    def __init__(self, ns_dir, blockdev):
        super().__init__(ns_dir, blockdev, REPORT)
        self.buf = mmap.mmap(-1, BS)

    def read_ms(self, lba=0):
        t = time.monotonic()
        if os.preadv(self.fd, [self.buf], lba * BS) != BS:
            fail("short read")
        return (time.monotonic() - t) * 1000

    def write_ms(self, lba=0):
        t = time.monotonic()
        if os.pwritev(self.fd, [self.buf], lba * BS) != BS:
            fail("short write")
        return (time.monotonic() - t) * 1000


def hits(text, kind):
    for line in text.splitlines():
        if line.startswith(kind + " "):
            return int(line.rsplit("hits=", 1)[1])
    fail(f"no {kind} rule in faults/latency: {text!r}")


def main():
    remote = sys.argv[3:] == ["--remote"]
    if len(sys.argv) != 3 + remote:
        print(__doc__)
        sys.exit(2)
    ns = Ns(sys.argv[1], sys.argv[2])
    counts = not remote

    # A fixed extra time on every read, none on writes.
    delayed = ns.stat("delayed_cmds") if counts else 0
    ns.attr("latency", "read 100 30000")
    times = [ns.read_ms(i) for i in range(5)]
    if min(times) < 30:
        fail(f"reads with a 30 ms rule took {times} ms")
    if hits(ns.attr("latency"), "read") < 5:
        fail(f"faults/latency: {ns.attr('latency')!r}")
    if counts and ns.stat("delayed_cmds") - delayed != 5:
        fail(f"delayed_cmds grew by {ns.stat('delayed_cmds') - delayed}, 5 reads")
    before = hits(ns.attr("latency"), "read")
    ns.write_ms(8)
    if hits(ns.attr("latency"), "read") != before:
        fail("a write met the read rule")
    log(f"read 100% 30 ms: reads took {min(times):.1f}..{max(times):.1f} ms")

    # Half of the reads, 20 to 40 ms: the share delayed is about half.
    ns.attr("latency", "read 50 20000-40000")
    n = 100
    times = [ns.read_ms(i % 64) for i in range(n)]
    got = hits(ns.attr("latency"), "read")
    slow = sum(t >= 20 for t in times)
    # Binomial(100, 0.5): 30..70 is beyond four standard deviations.
    if counts and not 30 <= got <= 70:
        fail(f"{got} of {n} reads delayed by a 50% rule")
    if slow < got:
        fail(f"{got} reads delayed, only {slow} took 20 ms or more")
    log(f"read 50% 20-40 ms: {got} of {n} delayed, {slow} took >= 20 ms")

    # "all" meets every kind; removing the read rule leaves it.
    ns.attr("latency", "read 0")
    ns.attr("latency", "all 100 15000")
    if ns.write_ms(9) < 15 or ns.read_ms(9) < 15:
        fail("the all rule did not delay a write and a read")
    ns.attr("latency", "clear")
    if ns.attr("latency"):
        fail(f"rules left after clear: {ns.attr('latency')!r}")
    for line in ("read 101 5", "read 5", "read 5 0", "flush 5 10", "read 1.00001 5",
                 "read 5 60000001", "read 5 10\nwrite 5 10", "read 5 1\x000",
                 "read 5 " + "1" * 300):
        if ns.attr("latency", line, expect_ok=False) != errno.EINVAL:
            fail(f"'{line}' not refused with EINVAL")

    # A stall: a read issued during it completes at its end, not before
    # (whenever it was issued: the time is counted from before the write).
    stall = 3000
    stalled = ns.stat("stalled_cmds") if counts else 0
    t = time.monotonic()
    ns.attr("stall_ms", str(stall))
    left = int(ns.attr("stall_ms"))
    if not 0 < left <= stall:
        fail(f"stall_ms reads {left} after {stall} was written")
    issued = (time.monotonic() - t) * 1000
    ms = ns.read_ms(3)
    total = (time.monotonic() - t) * 1000
    if total < stall:
        fail(f"a read during a {stall} ms stall completed {total:.0f} ms after it began")
    # Counted when it surely reached the device inside the stall.
    if counts and issued < stall / 2 and ns.stat("stalled_cmds") - stalled < 1:
        fail("stalled_cmds did not count the read")
    if int(ns.attr("stall_ms")) != 0:
        fail("stall_ms is not 0 after the stall")
    stalled = ns.stat("stalled_cmds") if counts else 0
    ns.read_ms(4)
    if counts and ns.stat("stalled_cmds") != stalled:
        fail("a read after the stall counted as stalled")
    if ns.attr("stall_ms", "60001", expect_ok=False) != errno.EINVAL:
        fail("stall_ms 60001 not refused")
    ns.attr("stall_ms", "10000")
    ns.attr("stall_ms", "0")
    if ns.read_ms(5) >= 8000:
        fail("writing 0 to stall_ms did not end the stall")
    log(f"stall {stall} ms: a read waited {ms:.0f} ms, {total:.0f} ms after the stall began")


if __name__ == "__main__":
    main()
