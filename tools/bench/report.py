#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise fio JSON from a benchmark run: per job and implementation the
mean IOPS, mean and p99 total latency (submission to completion) over the rounds, the ratio of
the candidate to the reference (of the mean IOPS), and the median, lowest and highest of the
rounds' ratios.  Where the run saved the guest's CPU time over each job (IMPL-ROUND-JOB.cpu:
/proc/stat busy and total jiffies before and after fio, and the CPU count), a second table:
busy CPU time per completed I/O of each, the median over the rounds, and their ratio.  Where a
run has several fio jobs (the scale jobs: one per host controller), a third table: the lowest
and highest host's IOPS as a share of the hosts' mean, the median over the rounds.  Where the
run counted calls (IMPL-ROUND-JOB.calls: kernel functions' and context switches' counts over
the fio run, the host's command completions among them), a fourth table: each one per completed
I/O.  A run made with diagnosis settings (DIR/settings) says so first.  With
--json PATH, every figure of the tables and each round's own figures are also written to PATH.

usage: report.py DIR REFERENCE CANDIDATE [--json PATH]   (file names: IMPL-ROUND-JOB.json)
"""
import glob
import json
import os
import statistics
import sys


def run_paths(directory, impl, job):
    """The fio JSON files of IMPL's JOB in DIRECTORY, one a round."""
    return sorted(glob.glob(os.path.join(directory, f"{impl}-*-{job}.json")))


def fio_jobs(path):
    """The list of fio's jobs in the JSON file PATH."""
    with open(path) as f:
        text = f.read()
    # fio may print notes before the JSON object.
    return json.loads(text[text.index('{'):])['jobs']


def percentile(bins, pct):
    """The latency in ns below which PCT percent of the I/Os of the
    histogram BINS ({bucket value in ns: count}, fio's json+) fall: the
    value of the first bucket whose cumulative count reaches PCT percent."""
    total = sum(bins.values())
    done = 0
    for value in sorted(bins, key=int):
        done += bins[value]
        if done * 100 >= total * pct:
            return int(value)
    return 0


def load(path):
    """(IOPS, mean µs, p99 µs) of the fio run in PATH, whose latencies are
    those of its main direction (the one with more I/Os).  A run with
    several jobs (one per host) counts the IOPS of all, weights the mean
    by each job's I/O count and takes the p99 from the jobs' merged latency
    histograms (json+), or, without histograms, the highest job's."""
    jobs = fio_jobs(path)
    reads = sum(j['read']['iops'] for j in jobs)
    writes = sum(j['write']['iops'] for j in jobs)
    lats = [j['read' if reads >= writes else 'write']['lat_ns'] for j in jobs]
    if len(jobs) == 1:
        mean = lats[0]['mean']
        p99 = lats[0].get('percentile', {}).get('99.000000', 0)
    else:
        count = sum(lat['N'] for lat in lats)
        mean = sum(lat['mean'] * lat['N'] for lat in lats) / count if count else 0
        # A job without I/O has no histogram and adds nothing to it.
        if all('bins' in lat or not lat['N'] for lat in lats):
            merged = {}
            for lat in lats:
                for value, n in lat.get('bins', {}).items():
                    merged[value] = merged.get(value, 0) + n
            p99 = percentile(merged, 99)
        else:
            p99 = max(lat.get('percentile', {}).get('99.000000', 0) for lat in lats)
    return reads + writes, mean / 1000.0, p99 / 1000.0


def host_iops(path):
    """The IOPS of each fio job of the run in PATH."""
    return [j['read']['iops'] + j['write']['iops'] for j in fio_jobs(path)]


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
            paths = run_paths(directory, impl, job)
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


def calls_per_io(json_path):
    """{name: count per completed I/O} from the .calls file beside JSON_PATH
    (each counted function's and context switches' count over the fio run,
    the host's command completions, nvme_complete_rq, among them), or
    None."""
    calls_path = json_path[:-5] + '.calls'
    if not os.path.exists(calls_path):
        return None
    with open(calls_path) as f:
        counts = {name: float(n) for name, n in (line.split() for line in f if line.strip())}
    ios = counts.pop('nvme_complete_rq', 0)
    if ios <= 0:
        return None
    return {name: n / ios for name, n in counts.items()}


def calls_medians(directory, impl, job):
    """{name: the median over the rounds of its count per I/O} of IMPL's
    JOB, from the rounds that counted it."""
    paths = run_paths(directory, impl, job)
    runs = [c for c in (calls_per_io(p) for p in paths) if c is not None]
    names = sorted(set(n for c in runs for n in c))
    return {n: statistics.median([c[n] for c in runs if n in c]) for n in names}


def calls_table(directory, ref, cand, order):
    """The calls-per-I/O table (median over the rounds), or nothing when no
    job has .calls files."""
    rows = []
    for job in order:
        per = [calls_medians(directory, impl, job) for impl in (ref, cand)]
        for name in sorted(set(per[0]) | set(per[1])):
            rows.append((job, name, [f"{m[name]:.2f}" if name in m else "missing" for m in per]))
    if not rows:
        return
    print()
    print(f"| job | calls per I/O | {ref} | {cand} |")
    print("|---|---|---:|---:|")
    for job, name, (r, c) in rows:
        print(f"| {job} | {name} | {r} | {c} |")


def fairness(directory, impl, job):
    """(lowest, highest) host IOPS as a share of the hosts' mean IOPS, the
    median of each over the rounds of IMPL's JOB, or None when its runs
    have one fio job."""
    lows, highs = [], []
    for path in run_paths(directory, impl, job):
        hosts = host_iops(path)
        mean = statistics.mean(hosts)
        if len(hosts) < 2 or not mean:
            continue
        lows.append(min(hosts) / mean)
        highs.append(max(hosts) / mean)
    if not lows:
        return None
    return statistics.median(lows), statistics.median(highs)


def fairness_table(directory, ref, cand, order):
    """The per-host table, or nothing when no job has several hosts."""
    rows = [(job, [fairness(directory, impl, job) for impl in (ref, cand)]) for job in order]
    rows = [(job, per) for job, per in rows if per != [None, None]]
    if not rows:
        return
    print()
    print(f"| job | {ref} per-host IOPS / mean: lowest-highest | {cand} per-host IOPS / mean: "
          "lowest-highest |")
    print("|---|---:|---:|")
    for job, per in rows:
        cells = ['missing' if f is None else f"{f[0]:.2f}-{f[1]:.2f}" for f in per]
        print(f"| {job} | {cells[0]} | {cells[1]} |")


def summary(directory, ref, cand, results, order):
    """Every figure of the tables, and each round's, as one JSON object."""
    out = {'reference': ref, 'candidate': cand, 'settings': settings(directory), 'jobs': []}
    for job in order:
        entry = {'job': job}
        for impl in (ref, cand):
            rounds = []
            for path in run_paths(directory, impl, job):
                rnd = int(os.path.basename(path)[:-5].split('-', 2)[1])
                iops, mean, p99 = load(path)
                rounds.append({'round': rnd, 'iops': iops, 'mean_us': mean, 'p99_us': p99,
                               'cpu_us_per_io': cpu_per_io(path), 'host_iops': host_iops(path),
                               'calls_per_io': calls_per_io(path)})
            rounds.sort(key=lambda r: r['round'])
            runs = list(results.get((impl, job), {}).values())
            cpu = [r['cpu_us_per_io'] for r in rounds if r['cpu_us_per_io'] is not None]
            fair = fairness(directory, impl, job)
            entry[impl] = {
                'rounds': rounds,
                'iops': means(runs)[0] if runs else None,
                'mean_us': means(runs)[1] if runs else None,
                'p99_us': means(runs)[2] if runs else None,
                'cpu_us_per_io': statistics.median(cpu) if cpu else None,
                'host_iops_share': list(fair) if fair else None,
                'calls_per_io': calls_medians(directory, impl, job) or None,
            }
        rr = round_ratios(results, ref, cand, job)
        ri, ci = entry[ref]['iops'], entry[cand]['iops']
        entry['ratio'] = ci / ri if ri and ci is not None else None
        entry['round_ratios'] = rr
        entry['median'] = statistics.median(rr) if rr else None
        entry['min'] = min(rr) if rr else None
        entry['max'] = max(rr) if rr else None
        rc, cc = entry[ref]['cpu_us_per_io'], entry[cand]['cpu_us_per_io']
        entry['cpu_ratio'] = cc / rc if rc and cc is not None else None
        out['jobs'].append(entry)
    return out


def settings(directory):
    """The diagnosis settings the run was made with (DIR/settings), or ''."""
    path = os.path.join(directory, 'settings')
    if not os.path.exists(path):
        return ''
    with open(path) as f:
        return f.read().strip()


def main():
    args = sys.argv[1:]
    json_path = None
    if len(args) == 5 and args[3] == '--json':
        json_path = args[4]
        args = args[:3]
    if len(args) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    directory, ref, cand = args
    results, order = collect(directory)
    if settings(directory):
        print(f"# diagnosis run ({settings(directory)}): its IOPS and CPU figures include "
              "the cost of the diagnosis")
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
    fairness_table(directory, ref, cand, order)
    calls_table(directory, ref, cand, order)
    if json_path:
        with open(json_path, 'w') as f:
            json.dump(summary(directory, ref, cand, results, order), f, indent=1, sort_keys=True)
            f.write('\n')


if __name__ == '__main__':
    main()
