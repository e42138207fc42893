#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the '# ' steps of one section of a Documentation/*.rst walkthrough and
compare what they print with the output the document shows.

usage: doc_walk.py [--before REGEX=CMD]... RST SECTION-TITLE

Each literal block of the section is a list of steps: a line '   # CMD'
(continued by lines ending in a backslash) followed by its expected output.
Steps run in one bash process per step with the working directory carried
over from 'cd' steps and tools/ on PATH.  How a step's output is compared
depends on what the output depends on (CHECKS below): exactly, after
dropping what changes from run to run (times, serial numbers, rates), or by
its shape (the same keys, column names or rows).  The walk stops at the
first step that fails or differs.  --before runs CMD (unchecked)
before each step whose command matches REGEX: what the test machine lacks
and a real one does by itself, such as udev.  Exit 0 when every step
succeeded and matched, 1 otherwise; every mismatch is printed.
"""

import os
import re
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))


def section(text, title):
    """The lines of the section titled TITLE (up to the next title)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line == title and i + 1 < len(lines) and set(lines[i + 1]) == {"="}:
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and lines[j + 1] and set(lines[j + 1]) == {"="} \
                        and len(lines[j + 1]) == len(lines[j]):
                    break
                body.append(lines[j])
            return body
    raise SystemExit(f"doc_walk: no section '{title}'")


def steps(lines):
    """(command, expected output lines) of every '# ' step of the literal blocks."""
    out = []
    in_block = False
    for line in lines:
        if line.endswith("::"):
            in_block = True
            continue
        if in_block and line and not line.startswith("   "):
            in_block = False
        if not in_block:
            continue
        body = line[3:]
        if body.startswith("# "):
            out.append([body[2:], []])
        elif out and out[-1][0].endswith("\\") and not out[-1][1]:
            out[-1][0] = out[-1][0][:-1].rstrip() + " " + body.strip()
        elif out:
            out[-1][1].append(body.rstrip())
    for step in out:
        while step[1] and not step[1][-1]:
            step[1].pop()
    return [(cmd, exp) for cmd, exp in out]


def fields(lines, sep=None):
    """The first word (or the part before SEP) of every non-empty line."""
    return [(ln.split(sep, 1)[0] if sep else ln.split()[0]).strip() for ln in lines if ln.strip()]


def no_time(lines):
    """Kernel log lines without their time stamp and with numbers masked
    (queue and worker counts follow the machine's CPUs)."""
    return [re.sub(r"[0-9]+", "N", re.sub(r"^\[ *[0-9.]+\] ", "", ln)) for ln in lines]


def no_devt(lines):
    """lsblk output with MAJ:MIN masked (the minor follows other disks)."""
    return [re.sub(r"\b[0-9]+:[0-9]+\b", "M:m", ln) for ln in lines]


def link_targets(lines):
    return [" ".join(ln.split()[-3:]) for ln in lines if "->" in ln]


def id_ctrl(lines):
    """id-ctrl fields with the serial number (random per controller) masked."""
    out = []
    for ln in lines:
        key, _, val = ln.partition(":")
        val = val.strip()
        if key.strip() == "sn":
            val = "VSSD<hex>" if re.fullmatch(r"VSSD[0-9A-F]{8}", val) else val
        out.append((key.strip(), val))
    return out


def stat_rows(lines):
    """vssd-stat's headings and the name of every row (controller or
    namespace): which rows are there, not their figures."""
    out = []
    for ln in lines:
        if not ln.strip() or re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T", ln):
            continue
        out.append(ln.split() if ln.startswith("ctrl") else ln.split()[0])
    return out


# (command pattern, how to run it instead or None, how to compare).  The
# first pattern that matches applies; a step with no output must print none.
CHECKS = [
    (r"^ls -l ", None, link_targets),
    (r"^ls ", lambda c: "ls -C -w 78 " + c[3:], None),
    (r"^dmesg", None, no_time),
    (r"^lsblk", None, no_devt),
    (r"^nvme id-ctrl", None, id_ctrl),
    (r"^fio ", None, lambda ls: [ln.split(":")[0].strip() for ln in ls if "IOPS=" in ln]),
    (r"^vssd-stat (\d+)$", lambda c: "vssd-stat -c 3 " + c.split()[1], stat_rows),
    (r"^cat \S+/stats$", None, fields),
    (r"^nvme smart-log", None, lambda ls: fields(ls, ":")),
]


def run(cmd, cwd):
    env = dict(os.environ, PATH=os.path.join(TOP, "tools") + ":" + os.environ["PATH"])
    p = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=300)
    return p.returncode, [ln.rstrip() for ln in p.stdout.expandtabs().splitlines()]


def main():
    args = sys.argv[1:]
    before = []
    while len(args) > 1 and args[0] == "--before":
        regex, _, hook = args[1].partition("=")
        before.append((regex, hook))
        args = args[2:]
    if len(args) != 2:
        raise SystemExit(__doc__)
    rst, title = args
    with open(rst) as f:
        todo = steps(section(f.read(), title))
    if not todo:
        raise SystemExit("doc_walk: the section has no '# ' steps")
    cwd = os.getcwd()
    bad = ran = 0
    for cmd, expected in todo:
        ran += 1
        if cmd.startswith("cd "):
            cwd = os.path.join(cwd, cmd[3:].strip())
            if not os.path.isdir(cwd):
                print(f"MISMATCH: {cmd}: no such directory")
                bad += 1
                break
            print(f"ok: {cmd}")
            continue
        how, compare = None, None
        for pattern, h, c in CHECKS:
            if re.search(pattern, cmd):
                how, compare = h, c
                break
        for regex, hook in before:
            if re.search(regex, cmd):
                run(hook, cwd)
        actual_cmd = how(cmd) if how else cmd
        rc, actual = run(actual_cmd, cwd)
        shown = compare(expected) if compare else expected
        got = compare(actual) if compare else actual
        if expected and not shown:
            # The comparison would see nothing: it could not fail.
            bad += 1
            print(f"MISMATCH: {cmd}: nothing of the document's output is compared")
            break
        if rc != 0 or shown != got:
            bad += 1
            print(f"MISMATCH: {cmd} (ran: {actual_cmd}; exit {rc})")
            print("  document:\n    " + "\n    ".join(map(str, shown)))
            print("  output:\n    " + "\n    ".join(map(str, got)))
            # What follows builds on this step: stop here.
            break
        else:
            print(f"ok: {cmd}")
    print(f"doc_walk: {ran} of {len(todo)} steps run, {bad} mismatched")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
