#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise fio JSON from a benchmark run: per job and implementation the
mean IOPS, mean and p99 total latency (submission to completion) over the rounds, the ratio of
the candidate to the reference (of the mean IOPS), and the median, lowest and highest of the
rounds' ratios.  Where the run saved the guest's CPU time over each job (IMPL-ROUND-JOB.cpu:
/proc/stat busy and total jiffies before and after fio, and the CPU count), a second table:
busy CPU time per completed I/O of each, the median over the rounds, and their ratio.

usage: report.py DIR REFERENCE CANDIDATE   (file names: IMPL-ROUND-JOB.json)
"""
import glob
import json
import os
import statistics
import sys


def load(path):
    with open(path) as f:
        text = f.read()
    # fio may print notes before the JSON object.
    data = json.loads(text[text.index('{'):])
    job = data['jobs'][0]
    iops = job['read']['iops'] + job['write']['iops']
    lat = job['read'] if job['read']['iops'] >= job['write']['iops'] else job['write']
    total = lat['lat_ns']
    p99 = total.get('percentile', {}).get('99.000000', 0)
    return iops, total['mean'] / 1000.0, p99 / 1000.0


def cpu_per_io(json_path):
    """Busy CPU µs per completed I/O over the fio job of JSON_PATH, from the
    .cpu file beside it: the busy share of all CPUs over the whole fio run
    (ramp included) times the CPU count, over the job's IOPS; or None."""
    cpu_path = json_path[:-5] + '.cpu'
    if not os.path.exists(cpu_path):
        return None
    with open(cpu_path) as f:
        b0, t0, b1, t1, ncpu = (int(x) for x in f.read().split())
    iops = load(json_path)[0]
    if t1 <= t0 or not iops:
        return None
    return (b1 - b0) / (t1 - t0) * ncpu * 1e6 / iops


def collect(directory):
    """The fio results in DIRECTORY: {(impl, job): {round: (IOPS, mean µs,
    p99 µs)}}, and the job names in the order of the files."""
    results = {}
    order = []
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        impl, rnd, job = os.path.basename(path)[:-5].split('-', 2)
        if job not in order:
            order.append(job)
        results.setdefault((impl, job), {})[rnd] = load(path)
    return results, order


def means(runs):
    """(IOPS, mean µs, p99 µs) of RUNS (one such tuple a round), each
    averaged over the rounds; kvreport.py averages ops/s with it."""
    return (statistics.mean(r[0] for r in runs),
            statistics.mean(r[1] for r in runs),
            statistics.mean(r[2] for r in runs))


def round_ratios(results, ref, cand, job):
    """The candidate's IOPS over the reference's, round by round (rounds
    both have)."""
    r, c = results.get((ref, job), {}), results.get((cand, job), {})
    return [c[n][0] / r[n][0] for n in sorted(r, key=int) if n in c and r[n][0]]


def cpu_table(directory, ref, cand, order):
    """The CPU-per-I/O table, or nothing when no job has .cpu files."""
    rows = []
    for job in order:
        per = []
        for impl in (ref, cand):
            paths = sorted(glob.glob(os.path.join(directory, f"{impl}-*-{job}.json")))
            vals = [v for v in (cpu_per_io(p) for p in paths) if v is not None]
            per.append(statistics.median(vals) if vals else None)
        rows.append((job, per))
    if all(None in per for _, per in rows):
        return
    print()
    print(f"| job | {ref} CPU µs/IO | {cand} CPU µs/IO | ratio |")
    print("|---|---:|---:|---:|")
    for job, (r, c) in rows:
        if r is None or c is None:
            print(f"| {job} | missing | | |")
            continue
        print(f"| {job} | {r:.1f} | {c:.1f} | {c / r:.2f} |")


def main():
    directory, ref, cand = sys.argv[1:4]
    results, order = collect(directory)
    print(f"| job | {ref} IOPS | {ref} mean/p99 µs | {cand} IOPS | {cand} mean/p99 µs | ratio "
          "| rounds: median (min-max) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for job in order:
        row = []
        for impl in (ref, cand):
            runs = list(results.get((impl, job), {}).values())
            row.append(means(runs) if runs else None)
        if None in row:
            print(f"| {job} | missing | | | | | |")
            continue
        (ri, rm, rp), (ci, cm, cp) = row
        ratio = ci / ri if ri else float('nan')
        rr = round_ratios(results, ref, cand, job)
        spread = f"{statistics.median(rr):.2f} ({min(rr):.2f}-{max(rr):.2f})" if rr else "none"
        print(f"| {job} | {ri:.0f} | {rm:.0f} / {rp:.0f} | {ci:.0f} | {cm:.0f} / {cp:.0f} "
              f"| {ratio:.2f} | {spread} |")
    cpu_table(directory, ref, cand, order)


if __name__ == '__main__':
    main()
