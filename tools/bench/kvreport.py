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
import statistics
import sys


def main():
    directory = sys.argv[1]
    results = {}
    jobs = []
    for path in sorted(glob.glob(os.path.join(directory, '*.json'))):
        impl, _rnd, job = os.path.basename(path)[:-5].split('-', 2)
        with open(path) as f:
            data = json.load(f)
        if data['errors'] or data['verify_failures']:
            print(f"# {path}: {data['errors']} errors", file=sys.stderr)
        a = data['ops']['all']
        results.setdefault((impl, job), []).append((a['ops_per_s'], a['mean_us'], a['p99_us']))
        if job not in jobs:
            jobs.append(job)

    def cell(impl, job):
        r = results.get((impl, job))
        if not r:
            return None, '-'
        ops = statistics.mean(x[0] for x in r)
        mean = statistics.mean(x[1] for x in r)
        p99 = statistics.mean(x[2] for x in r)
        return ops, f"{ops:,.0f} ({mean:,.0f}/{p99:,.0f})"

    print("| path | job | null_blk 4K block ops/s (mean/p99 µs) | zero KV ops/s (mean/p99 µs) "
          "| zero/null_blk | 970pro KV ops/s (mean/p99 µs) | 970pro/null_blk |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for path in ('local', 'tcp'):
        for job in jobs:
            ref, ref_s = cell(f'{path}_null_blk', job)
            zero, zero_s = cell(f'{path}_zero', job)
            pro, pro_s = cell(f'{path}_970pro', job)
            zr = f"{zero / ref:.2f}" if ref and zero else '-'
            pr = f"{pro / ref:.2f}" if ref and pro else '-'
            print(f"| {path} | {job} | {ref_s} | {zero_s} | {zr} | {pro_s} | {pr} |")


if __name__ == '__main__':
    main()
