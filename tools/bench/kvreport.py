#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise kvload JSON from tools/bench/kv-guest.sh: per path (local
ioctl, NVMe/TCP) and job the mean ops/s and latency over the rounds of
4 KiB block I/O on null_blk (the reference), of the zero-model KV
namespace and of the 970pro one, and the ratios of the KV figures to the
reference.

usage: kvreport.py DIR   (file names: PATH_IMPL-ROUND-JOB.json)
"""
import glob
import json
import os
import sys

# (rate, mean, p99) averaged over the rounds, the same for kvload's figures.
from report import means

PATHS = ('local', 'tcp')
REFERENCE = 'null_blk'
CANDIDATES = ('zero', '970pro')


def collect(directory):
    """The kvload results in DIRECTORY: {(PATH_IMPL, job): {round: (ops/s,
    mean µs, p99 µs)}}, the job names in the order of the files, and one
    line for each file that reports errors."""
    results = {}
    jobs = []
    problems = []
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        impl, rnd, job = os.path.basename(path)[:-5].split('-', 2)
        with open(path) as f:
            data = json.load(f)
        if data['errors'] or data['verify_failures']:
            problems.append(f"# {path}: {data['errors']} errors")
        a = data['ops']['all']
        results.setdefault((impl, job), {})[rnd] = (a['ops_per_s'], a['mean_us'], a['p99_us'])
        if job not in jobs:
            jobs.append(job)
    return results, jobs, problems


def main():
    directory = sys.argv[1]
    results, jobs, problems = collect(directory)
    for line in problems:
        print(line, file=sys.stderr)

    def cell(impl, job):
        r = list(results.get((impl, job), {}).values())
        if not r:
            return None, '-'
        ops, mean, p99 = means(r)
        return ops, f"{ops:,.0f} ({mean:,.0f}/{p99:,.0f})"

    print("| path | job | null_blk 4K block ops/s (mean/p99 µs) | zero KV ops/s (mean/p99 µs) "
          "| zero/null_blk | 970pro KV ops/s (mean/p99 µs) | 970pro/null_blk |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in PATHS:
        for job in jobs:
            ref, ref_s = cell(f'{path}_{REFERENCE}', job)
            zero, zero_s = cell(f'{path}_zero', job)
            pro, pro_s = cell(f'{path}_970pro', job)
            zr = f"{zero / ref:.2f}" if ref and zero else '-'
            pr = f"{pro / ref:.2f}" if ref and pro else '-'
            print(f"| {path} | {job} | {ref_s} | {zero_s} | {zr} | {pro_s} | {pr} |")


if __name__ == '__main__':
    main()
