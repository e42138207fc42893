#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the runs of make bench BENCH=timing: one line per run with the
device view and the end-to-end verdict of each model, then the spread."""
import glob
import os
import re
import sys


def main():
    d = sys.argv[1]
    rows = []
    for path in sorted(glob.glob(os.path.join(d, "run-*.log")),
                       key=lambda p: int(re.search(r"run-(\d+)", p).group(1))):
        text = open(path).read()
        row = {"run": re.search(r"run-(\d+)", path).group(1)}
        row["result"] = "PASS" if "timing: PASS" in text else "FAIL"
        for ctrl, name in (("slow", "simple"), ("pro", "970pro")):
            m = re.search(r"%s: device view: median lateness (\d+) ns \(p99 (\d+) ns\)" % ctrl, text)
            row[name + "_lat"] = "%s/%s" % (m.group(1), m.group(2)) if m else "-"
            e2e = re.findall(r"%s: end to end, attempt (\d): (\w+): measured median \d+ ns, "
                             r"predicted \d+ ns: [-+]\d+ ns \(([-+][\d.]+)%% of \d+ ns\); noise (\d+) ns"
                             % name, text)
            if e2e:
                att, verdict, pct, noise = e2e[-1]
                row[name + "_e2e"] = "%s%% %s (attempt %s, noise %s ns)" % (pct, verdict, att, noise)
            else:
                row[name + "_e2e"] = "-"
        for dies in ("2", "4"):
            m = re.search(r"%s dies, tR 4 ms, QD32: (\d+) IOPS" % dies, text)
            row["dies" + dies] = m.group(1) if m else "-"
        m = re.search(r"zero model: QD1 (\d+) IOPS", text)
        row["zero_iops"] = m.group(1) if m else "-"
        rows.append(row)
    cols = ["run", "result", "zero_iops", "simple_lat", "simple_e2e", "970pro_lat",
            "970pro_e2e", "dies2", "dies4"]
    print("\t".join(cols))
    for r in rows:
        print("\t".join(r[c] for c in cols))
    print("# %d runs, %d passed" % (len(rows), sum(r["result"] == "PASS" for r in rows)))


if __name__ == "__main__":
    main()
