#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise fio JSON from a benchmark run: per job and implementation the
mean IOPS, mean and p99 total latency (submission to completion) over the rounds, and the ratio of
the candidate to the reference.

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


def main():
    directory, ref, cand = sys.argv[1:4]
    results, order = collect(directory)
    print(f"| job | {ref} IOPS | {ref} mean/p99 µs | {cand} IOPS | {cand} mean/p99 µs | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for job in order:
        row = []
        for impl in (ref, cand):
            runs = list(results.get((impl, job), {}).values())
            row.append(means(runs) if runs else None)
        if None in row:
            print(f"| {job} | missing | | | | |")
            continue
        (ri, rm, rp), (ci, cm, cp) = row
        ratio = ci / ri if ri else float('nan')
        print(f"| {job} | {ri:.0f} | {rm:.0f} / {rp:.0f} | {ci:.0f} | {cm:.0f} / {cp:.0f} | {ratio:.2f} |")


if __name__ == '__main__':
    main()
