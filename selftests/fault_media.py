#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Media-error rules of a vssd namespace, checked block by block.

Usage: fault_media.py NS_DIR BLOCKDEV CHARDEV NSID
       fault_media.py --remote NS_DIR BLOCKDEV


NS_DIR is the namespace's configfs directory (its faults/ and stats), the
namespace is a powered block namespace of 4096-byte blocks with nothing else
using it.  The device is filled with random data; then, rule by rule, every
block is read on its own with O_DIRECT: exactly the blocks a rule covers fail
(ENODATA, the block layer's medium error), every other block reads back what
was written.  Failed writes leave the old data.  The namespace's
media_errors, the SMART log and the error log page count and describe each
failure.  Exits non-zero at the first mismatch.

With --remote, BLOCKDEV is the namespace as a host sees it over NVMe/TCP
(the rules still written to NS_DIR): the same block-by-block checks of
read and write rules; the NVMe status, counters and logs are nvmet's there
(Documentation/faults.rst), so they are not compared.
"""
import errno
import mmap
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fault_ns import BS, FaultNs, Report  # noqa: E402
from nvme_ioctl import Device  # noqa: E402

SC_READ_ERROR = 0x281
SC_WRITE_FAULT = 0x280
DNR = 0x4000

REPORT = Report("fault_media")
fail = REPORT.fail
log = REPORT.log


class Ns(FaultNs):
    def __init__(self, ns_dir, blockdev, chardev, nsid):
        super().__init__(ns_dir, blockdev, REPORT)
        self.nblocks = os.lseek(self.fd, 0, os.SEEK_END) // BS
        self.ctrl = Device(chardev) if chardev else None
        self.nsid = nsid
        self.buf = mmap.mmap(-1, 64 * BS)
        self.failures = 0	# media errors this script caused

    def rule(self, line, expect_ok=True):
        return self.attr("media", line, expect_ok)

    def rules_text(self):
        return self.attr("media")

    def read(self, lba, n=1):
        """The data, or the errno of a failed read."""
        view = memoryview(self.buf)[:n * BS]
        try:
            got = os.preadv(self.fd, [view], lba * BS)
        except OSError as err:
            self.failures += err.errno == errno.ENODATA
            return err.errno
        if got != n * BS:
            fail(f"short read at {lba}: {got}")
        return bytes(view)

    def write(self, lba, data):
        self.buf[:len(data)] = data
        try:
            os.pwritev(self.fd, [memoryview(self.buf)[:len(data)]], lba * BS)
        except OSError as err:
            self.failures += err.errno == errno.ENODATA
            return err.errno
        return 0

    def error_log(self):
        """Newest first: (error_count, sqid, cid, status_field, lba, nsid)."""
        c = self.ctrl.admin(0x02, 0xffffffff, {10: ((64 * 16 // 4 - 1) << 16) | 0x01},
                            read_len=64 * 16)
        if c.status:
            fail(f"Get Log Page (error information): {c}")
        out = []
        for i in range(16):
            count, sqid, cid, sf, _, lba, nsid = struct.unpack_from("<QHHHHQI", c.data, i * 64)
            if count:
                out.append((count, sqid, cid, sf, lba, nsid))
        return out

    def smart_media_errors(self):
        c = self.ctrl.admin(0x02, 0xffffffff, {10: ((512 // 4 - 1) << 16) | 0x02},
                            read_len=512)
        if c.status:
            fail(f"Get Log Page (SMART): {c}")
        return struct.unpack_from("<Q", c.data, 160)[0]


def scan(ns, ref, expect_bad):
    """Every block on its own: the failing ones are exactly EXPECT_BAD."""
    bad = []
    for lba in range(ns.nblocks):
        got = ns.read(lba)
        if isinstance(got, int):
            if got != errno.ENODATA:
                fail(f"block {lba}: {os.strerror(got)}, expected ENODATA or data")
            bad.append(lba)
        elif got != ref[lba * BS:(lba + 1) * BS]:
            fail(f"block {lba} reads back other data than was written")
    if bad != sorted(expect_bad):
        fail(f"failing blocks {bad[:20]}..., expected {sorted(expect_bad)[:20]}...")
    return len(bad)


def fill(ns, rnd):
    """Random data on every block; returns it."""
    if ns.nblocks < 4096:
        fail(f"namespace of {ns.nblocks} blocks: 4096 or more needed")
    ref = bytearray(rnd.randbytes(ns.nblocks * BS))
    for lba in range(0, ns.nblocks, 64):
        n = min(64, ns.nblocks - lba)
        if ns.write(lba, ref[lba * BS:(lba + n) * BS]):
            fail(f"filling block {lba} failed")
    return ref


def remote(ns):
    """Over NVMe/TCP: exactly the covered blocks fail, failed writes change nothing."""
    rnd = random.Random(20261208)
    ref = fill(ns, rnd)
    scan(ns, ref, [])
    ns.rule("read 700 3")
    ns.rule("write 1500 1")
    scan(ns, ref, [700, 701, 702])
    if ns.write(1500, rnd.randbytes(BS)) != errno.ENODATA:
        fail("a write inside a write-fault range passed")
    new = rnd.randbytes(BS)
    if ns.write(1501, new):
        fail("a write next to a write-fault range failed")
    ref[1501 * BS:1502 * BS] = new
    ns.rule("clear")
    scan(ns, ref, [])
    log(f"over NVMe/TCP: {ns.nblocks} blocks, errors exactly where the rules said")


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--remote":
        remote(Ns(sys.argv[2], sys.argv[3], None, 0))
        return
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    ns = Ns(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
    rnd = random.Random(20261207)
    ref = fill(ns, rnd)
    base_smart = ns.smart_media_errors()

    # No rule: the whole device reads back.
    scan(ns, ref, [])

    # Permanent read rules, one at the last block: exactly those blocks fail.
    last = ns.nblocks - 1
    ns.rule("read 1000 8")
    ns.rule("read 3000 1")
    ns.rule(f"read {last} 1")
    bad = list(range(1000, 1008)) + [3000, last]
    scan(ns, ref, bad)
    # A multi-block read fails when any of its blocks is covered, not otherwise.
    if isinstance(ns.read(992, 8), int) or isinstance(ns.read(1008, 8), int):
        fail("a read next to the range failed")
    if ns.read(993, 8) != errno.ENODATA or ns.read(1007, 2) != errno.ENODATA:
        fail("a read overlapping the range by one block passed")
    # Writes pass the read-only rules, and read back once the rule is gone.
    new = rnd.randbytes(8 * BS)
    if ns.write(1000, new):
        fail("a write to a read-error range failed")
    ref[1000 * BS:1008 * BS] = new

    # The exact status, its error log entry and the counters.
    c = ns.ctrl.io(0x02, ns.nsid, {10: 3000, 12: 0}, read_len=BS)
    if c.status != (SC_READ_ERROR | DNR):
        fail(f"Read of block 3000 through the ioctl: {c}, expected {SC_READ_ERROR | DNR:#x}")
    ns.failures += 1
    newest = ns.error_log()[0]
    if newest[3] >> 1 != SC_READ_ERROR | DNR or newest[4] != 3000 or newest[5] != ns.nsid:
        fail(f"newest error log entry {newest}, expected status {SC_READ_ERROR:#x}, "
             f"LBA 3000, NSID {ns.nsid}")
    text = ns.rules_text()
    if "read 3000 1 hits=2" not in text:
        fail(f"faults/media does not show block 3000's two hits:\n{text}")

    # A transient rule: the first two reads fail, the third returns the data.
    ns.rule("clear")
    if ns.rules_text():
        fail("rules left after clear")
    scan(ns, ref, [])
    ns.rule("read 2000 4 2")
    got = [ns.read(2001), ns.read(2003), ns.read(2002)]
    if got[0] != errno.ENODATA or got[1] != errno.ENODATA or \
            got[2] != ref[2002 * BS:2003 * BS]:
        fail(f"transient rule: {[g if isinstance(g, int) else 'data' for g in got]}")
    if "read 2000 4 2 left=0 hits=2" not in ns.rules_text():
        fail(f"transient rule shown as {ns.rules_text()!r}")
    scan(ns, ref, [])

    # Write faults: the write fails as a whole and the old data stays.
    ns.rule("write 2500 2")
    if ns.write(2501, rnd.randbytes(BS)) != errno.ENODATA:
        fail("a write inside a write-fault range passed")
    if ns.write(2498, rnd.randbytes(3 * BS)) != errno.ENODATA:
        fail("a write overlapping a write-fault range passed")
    new = rnd.randbytes(2 * BS)
    if ns.write(2502, new):
        fail("a write next to a write-fault range failed")
    ref[2502 * BS:2504 * BS] = new
    c = ns.ctrl.io(0x01, ns.nsid, {10: 2500, 12: 0}, data=bytes(BS))
    if c.status != (SC_WRITE_FAULT | DNR):
        fail(f"Write of block 2500 through the ioctl: {c}")
    ns.failures += 1
    scan(ns, ref, [])		# old data in 2498..2501, new in 2502..2503
    ns.rule("clear")

    # Lines the kernel refuses, and the limit of 16 rules.
    for line in ("read 1", "read 1 0", "read -1 2", "erase 1 1", "read 1 2 0",
                 "read 18446744073709551615 2", "read 0 8\n3", "read 0 8\x003",
                 "read key 6b31", "read keys 10", "read 0 " + "1" * 300):
        if ns.rule(line, expect_ok=False) != errno.EINVAL:
            fail(f"'{line}' not refused with EINVAL")
    for i in range(16):
        ns.rule(f"rw {i * 10} 1")
    if ns.rule("rw 500 1", expect_ok=False) != errno.ENOSPC:
        fail("a 17th rule not refused with ENOSPC")
    ns.rule("rw 0 1")		# the same rule again: replaced, not added
    ns.rule("clear")

    # Every media error counted, once, everywhere.
    counted = ns.stat("media_errors")
    smart = ns.smart_media_errors() - base_smart
    if counted != ns.failures or smart != ns.failures:
        fail(f"{ns.failures} media errors caused, namespace counts {counted}, "
             f"SMART {smart}")
    log(f"{ns.nblocks} blocks, {ns.failures} media errors, all where the rules said")


if __name__ == "__main__":
    main()
