# SPDX-License-Identifier: GPL-2.0
"""A vssd namespace's faults/ files and stats, for fault_media.py and
fault_latency.py (imported, not run)."""
import os
import sys

BS = 4096


class Report:
    """TAP-style comment lines of one script; fail() ends it."""

    def __init__(self, name):
        self.name = name

    def log(self, msg):
        print(f"# {self.name}: {msg}")

    def fail(self, msg):
        print(f"# {self.name}: FAIL: {msg}")
        sys.exit(1)


def write_once(path, line):
    """One write(2) of LINE: a refused line is not written a second time."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


class FaultNs:
    """NS_DIR (configfs) and its block device BLOCKDEV, opened with O_DIRECT."""

    def __init__(self, ns_dir, blockdev, report):
        self.dir = ns_dir
        self.report = report
        self.fd = os.open(blockdev, os.O_RDWR | os.O_DIRECT)

    def attr(self, name, value=None, expect_ok=True):
        """faults/NAME's text, or write VALUE to it: 0 or the errno of a refusal."""
        path = os.path.join(self.dir, "faults", name)
        if value is None:
            with open(path) as f:
                return f.read()
        try:
            write_once(path, value)
        except OSError as err:
            if expect_ok:
                self.report.fail(f"faults/{name} '{value}' refused: {err}")
            return err.errno
        if not expect_ok:
            self.report.fail(f"faults/{name} '{value}' accepted")
        return 0

    def stat(self, key):
        with open(os.path.join(self.dir, "stats")) as f:
            for line in f:
                k, v = line.split()
                if k == key:
                    return int(v)
        self.report.fail(f"no {key} in the namespace's stats")
